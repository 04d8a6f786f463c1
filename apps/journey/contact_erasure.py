"""Contact details are erased once a participant's follow-up has ended plus the retention period.

Follow-up has ended when no follow-up is still to come and the participant either exited the
trial or has follow-ups that were done or closed: on the latest of the exit date, the days the
follow-ups were completed and the days missed windows closed. The pseudonymous trial data stays;
the contact row goes, with a value-free "contact.erased" audit event, and every reminder not
yet sent is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from apps.patients.contact_audit import ERASED
from apps.patients.models import ContactDetails, Participant
from apps.reminders.models import FollowUp, FollowUpStatus
from apps.reminders.services import cancel_pending_reminders

_STILL_TO_COME = frozenset({FollowUpStatus.SCHEDULED, FollowUpStatus.OPEN})


@dataclass(frozen=True)
class FollowUpState:
    """What the rule needs of one follow-up."""

    status: str
    closes_on: date
    completed_on: date | None


def follow_up_ended_on(*, exit_on: date | None, follow_ups: list[FollowUpState]) -> date | None:
    """The day the participant's follow-up ended, or None while any is still to come (pure)."""
    if any(f.status in _STILL_TO_COME for f in follow_ups):
        return None
    days = [exit_on] if exit_on else []
    for f in follow_ups:
        if f.status == FollowUpStatus.COMPLETED and f.completed_on:
            days.append(f.completed_on)
        elif f.status == FollowUpStatus.MISSED:
            days.append(f.closes_on)
    return max(days, default=None)


def erase_after(ended_on: date | None, *, retention_days: int, today: date) -> bool:
    """Whether contact details kept since `ended_on` are due for erasure on `today` (pure)."""
    return ended_on is not None and today >= ended_on + timedelta(days=retention_days)


@dataclass
class ErasureReport:
    """What one run erased."""

    erased: int = 0
    reminders_cancelled: int = 0


def erase_expired_contact_details(*, today: date | None = None) -> ErasureReport:
    """Erase every participant's contact details whose retention after follow-up has run out."""
    today = today or timezone.localdate()
    retention = settings.CONTACT_RETENTION_DAYS
    report = ErasureReport()
    with pghistory.context(command="erase_expired_contact_details"):
        for participant in _candidates():
            ended_on = follow_up_ended_on(
                exit_on=participant.exit_on,
                follow_ups=[_state(f) for f in participant.follow_ups.all()],
            )
            if erase_after(ended_on, retention_days=retention, today=today):
                report.reminders_cancelled += erase_contact_details(participant=participant)
                report.erased += 1
    return report


def _candidates():
    # Not loading the addresses: only who has a contact row and has nothing still to come.
    return (
        Participant.objects.filter(contact_details__isnull=False)
        .exclude(follow_ups__status__in=_STILL_TO_COME)
        .only("id", "exit_on")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.only(
                    "participant_id", "status", "closes_on", "completed_at"
                ),
            )
        )
        .order_by("id")
    )


def _state(follow_up: FollowUp) -> FollowUpState:
    completed = follow_up.completed_at
    return FollowUpState(
        status=follow_up.status,
        closes_on=follow_up.closes_on,
        completed_on=timezone.localdate(completed) if completed else None,
    )


@transaction.atomic
def erase_contact_details(*, participant: Participant) -> int:
    """Delete the participant's contact details with an "erased" audit event, and cancel every
    reminder not yet sent; returns how many reminders were cancelled (0 if already erased)."""
    contact = (
        ContactDetails.objects.select_for_update()
        .defer("email", "mobile")
        .filter(participant=participant)
        .first()
    )
    if contact is None:
        return 0
    pghistory.create_event(contact, label=ERASED)
    contact.delete()
    return cancel_pending_reminders(participant=participant)
