"""Celery entry points for the conduct checks; the work is in apps/conduct/checks.py.

A retry is safe: each finding is stored once (a deviation per participant, rule and what it was
found on; a query likewise, never again once raised), so running a check twice raises nothing
twice.
"""

from celery import shared_task

from apps.conduct.checks import check_participants
from apps.conduct.query_checks import raise_automatic_queries
from apps.core.task_retry import RETRY_ON_DATABASE_ERRORS


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def check_participant(participant_id: int) -> int:
    """Run the conduct checks for one participant after a write that may have made a finding:
    the deviations and data queries raised."""
    return check_participants([participant_id]) + raise_automatic_queries([participant_id])


@shared_task(acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def check_all_participants() -> int:
    """The nightly run over everyone consented: it also catches what a lost task missed."""
    return check_participants() + raise_automatic_queries()
