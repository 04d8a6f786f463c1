"""Helpers for reminder tests: participants with an open follow-up, due rows, settings."""

from datetime import date, timedelta

from django.utils import timezone

from apps.clinical import schedule
from apps.reminders.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from tests.factories import make_participant

RECORDING = "tests.reminders.recording.RecordingChannel"


# The 3-month window opened 4 to 6 days ago, whatever the date: its invitation and first
# reminder are past (only the latest, reminder 1, is armed as the catch-up), reminder 2 and the
# escalation are still to come, and no step falls today (so the time of day never matters).
OPEN_MONTH3_DAYS_AGO = range(4, 7)


def randomised_on_for_open_month3(today: date) -> date:
    """The latest randomisation day whose 3-month window opened 4 to 6 days before `today`.

    Calendar months differ in length, so a fixed number of days back would put the window's
    opening a different number of days ago on different dates.
    """
    day = today
    while (today - schedule.month_window(day, 3).opens_on).days not in OPEN_MONTH3_DAYS_AGO:
        day -= timedelta(days=1)
    return day


def participant_with_open_month3(site, pwp):
    """A participant whose 3-month window opened 4 to 6 days ago (reminder 1 is due)."""
    today = timezone.localdate()
    participant = make_participant(
        site=site, pwp=pwp, stage="randomised", screened_on=randomised_on_for_open_month3(today)
    )
    follow_up = participant.follow_ups.get(timepoint="month3")
    assert (today - follow_up.opens_on).days in OPEN_MONTH3_DAYS_AGO
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
