"""The beat's status refresh never overwrites a follow-up completed while it runs."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.journey.services import set_quit_date
from apps.reminders import services
from apps.reminders.models import (
    FollowUp,
    FollowUpStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from tests.factories import make_participant

pytestmark = pytest.mark.django_db(transaction=True)


def _participant(site, pwp):
    """A randomised participant with a quit date, so all three follow-ups exist."""
    participant = make_participant(site=site, pwp=pwp, stage="randomised")
    set_quit_date(participant=participant, quit_date=participant.screened_on)
    assert participant.follow_ups.count() == 3
    return participant


def _closed_window(participant, timepoint: str) -> FollowUp:
    """Move one open follow-up's window into the past, with a reminder still pending."""
    follow_up = participant.follow_ups.get(timepoint=timepoint)
    yesterday = timezone.localdate() - timedelta(days=1)
    FollowUp.objects.filter(pk=follow_up.pk).update(
        status=FollowUpStatus.OPEN,
        opens_on=yesterday - timedelta(days=20),
        due_on=yesterday - timedelta(days=10),
        closes_on=yesterday,
    )
    Reminder.objects.filter(follow_up=follow_up).delete()
    Reminder.objects.create(
        participant=participant,
        follow_up=follow_up,
        kind=ReminderKind.REMINDER_2,
        channel=ReminderChannel.EMAIL,
        due_at=timezone.now() + timedelta(hours=1),
    )
    return follow_up


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_a_follow_up_completed_during_the_refresh_stays_completed(site_a, pwp_a):
    participant = _participant(site_a, pwp_a)
    completing = _closed_window(participant, "week4")
    missed = _closed_window(participant, "month3")
    locked, release = threading.Event(), threading.Event()
    result: dict[str, int] = {}

    def complete_slowly() -> None:
        try:
            with transaction.atomic():
                services.complete_follow_up(follow_up=completing)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def refresh() -> None:
        try:
            result["changed"] = services.refresh_follow_up_statuses()
        finally:
            connection.close()

    completer = threading.Thread(target=complete_slowly)
    completer.start()
    assert locked.wait(10)
    refresher = threading.Thread(target=refresh)
    refresher.start()
    # Let the refresh run until it is done or stuck behind the completion's row lock.
    deadline = time.monotonic() + 10
    while refresher.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    completer.join(10)
    refresher.join(10)

    completing.refresh_from_db()
    missed.refresh_from_db()
    assert completing.status == FollowUpStatus.COMPLETED
    assert missed.status == FollowUpStatus.MISSED
    assert result["changed"] == 1
    assert set(missed.reminders.values_list("status", flat=True)) == {ReminderStatus.CANCELLED}


def test_the_refresh_opens_new_windows_and_marks_closed_ones_missed(site_a, pwp_a):
    participant = _participant(site_a, pwp_a)
    closed = _closed_window(participant, "month3")
    done = _closed_window(participant, "month6")
    services.complete_follow_up(follow_up=done)
    week4 = participant.follow_ups.get(timepoint="week4")
    FollowUp.objects.filter(pk=week4.pk).update(
        status=FollowUpStatus.SCHEDULED,
        opens_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=2),
        closes_on=timezone.localdate() + timedelta(days=5),
    )

    assert services.refresh_follow_up_statuses() == 2

    statuses = dict(participant.follow_ups.values_list("timepoint", "status"))
    assert statuses == {
        "week4": FollowUpStatus.OPEN,
        "month3": FollowUpStatus.MISSED,
        "month6": FollowUpStatus.COMPLETED,
    }
    assert closed.reminders.get().status == ReminderStatus.CANCELLED
