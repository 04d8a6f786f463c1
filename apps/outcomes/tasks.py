"""Celery tasks for outcomes: thin wrappers over services."""

from celery import shared_task

from apps.outcomes.notifications import send_safety_alert_email


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def notify_safety_alert(self, alert_id: int) -> int:
    """Email the participant's PWP and site leads about a new safety alert (once)."""
    try:
        return send_safety_alert_email(alert_id=alert_id)
    except OSError as exc:  # SMTP and network failures are worth retrying
        raise self.retry(exc=exc) from exc
