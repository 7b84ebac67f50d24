"""The anymail tracking-signal receiver: each event as the application would see it, one JSON line."""
from . import journal


def record_tracking_event(sender, event, esp_name, **kwargs):
    journal.append("CONSUMER_EVENTS_FILE", {
        "esp_name": esp_name,
        "event_type": event.event_type,
        "event_id": event.event_id,
        "message_id": event.message_id,
        "recipient": event.recipient,
        "tags": event.tags,
        "metadata": event.metadata,
        "click_url": event.click_url,
        "user_agent": event.user_agent,
        "timestamp": event.timestamp.isoformat() if event.timestamp else None,
        "batch_id": getattr(journal.current, "batch_id", None),
    })
