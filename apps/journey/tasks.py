"""Celery tasks of the participant journey: thin wrappers over services."""

from celery import shared_task

from apps.journey import contact_erasure


@shared_task(acks_late=True)
def erase_expired_contact_details() -> dict:
    """Erase the contact details whose retention after follow-up has run out (daily)."""
    report = contact_erasure.erase_expired_contact_details()
    return {"erased": report.erased, "reminders_cancelled": report.reminders_cancelled}
