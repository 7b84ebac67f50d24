from django.apps import AppConfig


class ConsumerConfig(AppConfig):
    name = "consumer"

    def ready(self):
        from anymail.signals import tracking

        from .receivers import record_tracking_event

        tracking.connect(record_tracking_event, dispatch_uid="smtpapi-e2e-tracking")
