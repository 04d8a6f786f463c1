"""Celery tasks for adverse events: thin wrappers over the notifications.

The serious adverse event email is at-least-once, on purpose (a duplicate costs a second read,
a lost one a missed 24-hour report): the send and the `sae_notified_at` it records share one
transaction, so an interruption after SMTP took the message is emailed again by the retry or
the sweep. Both tasks retry on database errors with backoff.
"""

from celery import shared_task

from apps.core.task_retry import RETRY_ON_DATABASE_ERRORS
from apps.safety.notifications import send_sae_email, unnotified_serious_event_ids


@shared_task(bind=True, default_retry_delay=30, acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def notify_serious_adverse_event(self, event_id: int) -> int:
    """Email the trial managers and the chief investigator about a serious event (once)."""
    try:
        return send_sae_email(event_id=event_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def requeue_unnotified_serious_events() -> int:
    """Queue the email again for serious events still unnotified (a broker outage, say)."""
    event_ids = unnotified_serious_event_ids()
    for event_id in event_ids:
        notify_serious_adverse_event.delay(event_id)
    return len(event_ids)
