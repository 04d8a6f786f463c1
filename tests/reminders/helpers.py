"""Helpers for reminder tests: participants with an open follow-up, due rows, settings."""

from datetime import timedelta

from django.utils import timezone

from apps.reminders.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from tests.factories import make_participant

RECORDING = "tests.reminders.recording.RecordingChannel"


def participant_with_open_month3(site, pwp):
    """A participant randomised about 3 months ago, so the 3-month window is open today."""
    today = timezone.localdate()
    participant = make_participant(
        site=site, pwp=pwp, stage="randomised", screened_on=today - timedelta(days=88)
    )
    follow_up = participant.follow_ups.get(timepoint="month3")
    assert follow_up.opens_on <= today <= follow_up.closes_on
    return participant, follow_up


def only_due_invitation(follow_up, *, minutes_ago: int = 5) -> Reminder:
    """Leave exactly one reminder for the follow-up: an invitation due a few minutes ago."""
    Reminder.objects.filter(follow_up=follow_up).delete()
    return Reminder.objects.create(
        participant=follow_up.participant,
        follow_up=follow_up,
        kind=ReminderKind.INVITATION,
        channel=ReminderChannel.EMAIL,
        due_at=timezone.now() - timedelta(minutes=minutes_ago),
        status=ReminderStatus.PENDING,
    )
