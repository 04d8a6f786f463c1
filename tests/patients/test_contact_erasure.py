"""Contact details are erased once follow-up has ended plus the retention period; the
pseudonymous trial data stays, the erasure is in the audit trail and nothing more is sent."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.journey import services as journey
from apps.journey.contact_erasure import FollowUpState, follow_up_ended_on
from apps.patients.models import Baseline, ContactDetails, Participant
from apps.reminders.models import FollowUp, Reminder, ReminderStatus
from apps.reminders.services import complete_follow_up


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _erase_on(day: dt.date, capsys) -> str:
    capsys.readouterr()
    with time_machine.travel(_noon(day), tick=False):
        call_command("erase_expired_contact_details")
    return capsys.readouterr().out


def _complete_all(participant) -> dt.date:
    last = None
    for follow_up in FollowUp.objects.filter(participant=participant).order_by("due_on"):
        complete_follow_up(follow_up=follow_up, when=_noon(follow_up.due_on))
        last = follow_up.due_on
    return last


def test_the_rule_waits_for_every_follow_up_still_to_come():
    today = dt.date(2026, 5, 1)
    done = FollowUpState("completed", today, today)
    assert follow_up_ended_on(exit_on=None, follow_ups=[done]) == today
    assert (
        follow_up_ended_on(exit_on=None, follow_ups=[done, FollowUpState("open", today, None)])
        is None
    )
    missed = FollowUpState("missed", today + dt.timedelta(days=9), None)
    assert follow_up_ended_on(exit_on=None, follow_ups=[done, missed]) == today + dt.timedelta(
        days=9
    )
    # Withdrawal cancels what was to come: the exit day ends follow-up, not those windows.
    cancelled = FollowUpState("cancelled", today + dt.timedelta(days=60), None)
    assert follow_up_ended_on(exit_on=today, follow_ups=[cancelled]) == today
    assert follow_up_ended_on(exit_on=None, follow_ups=[]) is None


@pytest.mark.parametrize("retention", [90, 30])
def test_contact_details_go_after_the_last_follow_up_plus_retention(
    participant_a, participant_b, settings, capsys, retention
):
    settings.CONTACT_RETENTION_DAYS = retention
    ended = _complete_all(participant_a)
    pending = Reminder.objects.create(
        participant=participant_a,
        follow_up=FollowUp.objects.get(participant=participant_a, timepoint="month6"),
        channel="email",
        kind="manual",
        due_at=_noon(ended),
    )
    day_before = ended + dt.timedelta(days=retention - 1)
    assert "of 0 participant(s)" in _erase_on(day_before, capsys)
    assert ContactDetails.objects.filter(participant=participant_a).exists()
    out = _erase_on(ended + dt.timedelta(days=retention), capsys)
    assert "Erased the contact details of 1 participant(s); cancelled 1 pending" in out
    assert not ContactDetails.objects.filter(participant=participant_a).exists()
    pending.refresh_from_db()
    assert pending.status == ReminderStatus.CANCELLED
    # The pseudonymous trial data stays; the participant still in follow-up keeps their details.
    assert Participant.objects.filter(pk=participant_a.pk).exists()
    assert Baseline.objects.filter(participant=participant_a).exists()
    assert ContactDetails.objects.filter(participant=participant_b).exists()
    # Running again erases nothing more.
    assert "of 0 participant(s)" in _erase_on(ended + dt.timedelta(days=retention + 1), capsys)


def test_a_withdrawn_participant_is_erased_from_the_exit_day(participant_a, settings, capsys):
    exit_on = participant_a.randomised_on + dt.timedelta(days=3)
    with time_machine.travel(_noon(exit_on), tick=False):
        journey.withdraw_participant(
            participant=participant_a, on=exit_on, reason="participant_choice"
        )
    assert "of 0" in _erase_on(exit_on + dt.timedelta(days=89), capsys)
    assert "of 1" in _erase_on(exit_on + dt.timedelta(days=90), capsys)
    assert not ContactDetails.objects.filter(participant=participant_a).exists()


def test_the_erasure_is_in_the_history_without_values(participant_a, trial_manager, client, capsys):
    ended = _complete_all(participant_a)
    _erase_on(ended + dt.timedelta(days=90), capsys)
    event = ContactDetails.pgh_event_model.objects.get(
        participant=participant_a, pgh_label="contact.erased"
    )
    assert event.pgh_context.metadata == {"command": "erase_expired_contact_details"}
    client.force_login(trial_manager)
    response = client.get(reverse("participant-history", args=[participant_a.public_id]))
    erased = next(e for e in response.context["entries"] if e.action == "erased")
    assert erased.who == "System" and erased.via == "manage.py erase_expired_contact_details"
    assert {c.label for c in erased.changes} == {"email", "mobile"}
    assert "Email</span>: erased" in response.content.decode()
    assert "patient@example.test" not in response.content.decode()


def test_the_erasure_runs_daily_from_beat(db, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["erase-expired-contact-details"]
    assert entry["task"] == "apps.journey.tasks.erase_expired_contact_details"
    from apps.journey.tasks import erase_expired_contact_details

    assert erase_expired_contact_details.name == entry["task"]
    assert erase_expired_contact_details() == {"erased": 0, "reminders_cancelled": 0}
