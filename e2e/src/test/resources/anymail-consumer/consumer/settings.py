"""Settings of the test consumer: anymail's webhooks only, Basic auth from ANYMAIL_WEBHOOK_SECRET."""
import os

SECRET_KEY = "smtpapi-e2e-consumer-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["anymail", "consumer.apps.ConsumerConfig"]
MIDDLEWARE = ["consumer.middleware.RecordAndFailFirstTries"]
ROOT_URLCONF = "consumer.urls"
DATABASES = {}
USE_TZ = True
ANYMAIL = {"WEBHOOK_SECRET": os.environ["ANYMAIL_WEBHOOK_SECRET"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
