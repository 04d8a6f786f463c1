"""Celery tasks for outcomes: thin wrappers over services.

Safety-alert emails are at-least-once, on purpose: a duplicate alert email costs a clinician a
second look, a lost one can cost a patient. The send and the `notified_at` it records share one
transaction, so a worker killed (or a database error) after SMTP took the message and before
the commit leaves the alert unnotified, and the retry or the beat sweep emails it again. Every
task retries on database errors (PostgreSQL restarting, a dropped connection) with backoff, and
the sweeps find anything whose retries ran out. Escalations keep their own attempt mark and are
flagged on the alert if interrupted (apps/outcomes/escalation.py).
"""

from celery import shared_task

from apps.core.task_retry import RETRY_ON_DATABASE_ERRORS
from apps.outcomes.escalation import escalate_due_alerts
from apps.outcomes.notifications import send_safety_alert_email, unnotified_alert_ids


@shared_task(bind=True, default_retry_delay=30, acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def notify_safety_alert(self, alert_id: int) -> int:
    """Email the participant's PWP and site leads about a new safety alert (once)."""
    try:
        return send_safety_alert_email(alert_id=alert_id)
    except OSError as exc:  # SMTP and network failures are worth retrying
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def requeue_unnotified_alerts() -> int:
    """Queue the email again for every alert still unnotified 2 minutes after it was raised.

    The first send is queued on commit; if Redis was down then, or every retry failed, this
    beat sweep is what tries again. The row lock in send_safety_alert_email keeps two tasks
    running at once to one email.
    """
    alert_ids = unnotified_alert_ids()
    for alert_id in alert_ids:
        notify_safety_alert.delay(alert_id)
    return len(alert_ids)


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def escalate_unacknowledged_alerts() -> dict[str, int]:
    """Email the site leads, then the trial managers, about alerts nobody acknowledged in time."""
    return escalate_due_alerts().as_dict()
