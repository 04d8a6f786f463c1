"""Celery tasks for the follow-up schedule and the reminder outbox: thin wrappers over services.

Beat runs both on a static schedule (config/settings/base.py). No task waits with an ETA or
countdown: when a reminder is due is a column in the database, read every minute. A database
error (PostgreSQL restarting, a dropped connection) retries the task with backoff; the outbox
rows it held are settled by their lease (apps/reminders/dispatch.py), so a retry never sends
twice.
"""

from celery import shared_task

from apps.core.task_retry import RETRY_ON_DATABASE_ERRORS
from apps.reminders import dispatch, services


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def dispatch_due_reminders() -> dict:
    """Send every due reminder once; queue another run at once if the time budget ran out."""
    report = dispatch.dispatch_due_reminders()
    if report.outcomes.get("more_due"):
        dispatch_due_reminders.delay()
    return report.as_dict()


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def refresh_follow_up_statuses() -> int:
    """Open follow-up windows that have opened and mark missed those that closed."""
    return services.refresh_follow_up_statuses()
