"""Celery tasks of the core app: thin wrappers over services."""

from celery import shared_task

from apps.core.heartbeat import record_heartbeat


@shared_task(name="apps.core.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Record that beat is scheduling (beat runs it every minute; /readyz checks its age)."""
    record_heartbeat()
