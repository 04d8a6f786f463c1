"""Celery tasks for staff accounts: thin wrappers over the services."""

from celery import shared_task

from apps.accounts.password_reset import send_password_reset as send_reset_email
from apps.accounts.tokens import delete_expired_tokens


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def send_password_reset(self, user_id: int) -> bool:
    """Email a password reset link (a redelivery may send a second link: harmless)."""
    try:
        return send_reset_email(user_id=user_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def delete_expired_api_tokens() -> int:
    """Clear expired API tokens (beat, hourly)."""
    return delete_expired_tokens()
