"""Time travel through the whole follow-up schedule: windows, cadence, moves and stops."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.journey.services import set_quit_date, update_contact_details, withdraw_participant
from apps.outcomes.questionnaire_submission import submit_questionnaire
from apps.reminders import dispatch, services
from apps.reminders import questionnaire_links as links
from apps.reminders.models import FollowUpStatus, Reminder, ReminderKind, ReminderStatus
from apps.reminders.selectors import open_tasks_for
from tests.factories import make_participant

pytestmark = pytest.mark.django_db

RANDOMISED = date(2026, 1, 5)
# 3 months after 5 Jan is 5 Apr: open from 22 Mar (14 days before) to 3 May (28 days after).
M3_OPENS, M3_DUE, M3_CLOSES = date(2026, 3, 22), date(2026, 4, 5), date(2026, 5, 3)
TOKEN = re.compile(r"/q/([A-Za-z0-9_-]{43})/")


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def run_beat(day: date, hour: int = 9, minute: int = 30) -> list[str]:
    """What beat does on `day`: refresh statuses, dispatch; returns the kinds that went out."""
    before = set(Reminder.objects.filter(status=ReminderStatus.SENT).values_list("id", flat=True))
    with time_machine.travel(at(day, hour, minute), tick=False):
        services.refresh_follow_up_statuses()
        dispatch.dispatch_due_reminders()
    sent = Reminder.objects.filter(status=ReminderStatus.SENT).exclude(id__in=before)
    return sorted(f"{r.follow_up.timepoint}:{r.kind}" for r in sent)


def run_days(first: date, last: date) -> dict[date, list[str]]:
    days, day = {}, first
    while day <= last:
        sent = run_beat(day)
        if sent:
            days[day] = sent
        day += timedelta(days=1)
    return days


@pytest.fixture
def randomised(site_a, pwp_a, settings):
    settings.SITE_URL = "http://testserver"
    with time_machine.travel(at(RANDOMISED, 11), tick=False):
        participant = make_participant(
            site=site_a, pwp=pwp_a, stage="randomised", screened_on=RANDOMISED
        )
    return participant


def test_schedule_is_created_at_randomisation_with_the_configured_windows(randomised):
    follow_ups = {f.timepoint: f for f in randomised.follow_ups.all()}
    assert set(follow_ups) == {"month3", "month6"}  # no quit date yet: no 4-week check
    m3 = follow_ups["month3"]
    assert (m3.opens_on, m3.due_on, m3.closes_on) == (M3_OPENS, M3_DUE, M3_CLOSES)
    m6 = follow_ups["month6"]
    assert (m6.opens_on, m6.due_on, m6.closes_on) == (
        date(2026, 6, 21),
        date(2026, 7, 5),
        date(2026, 8, 2),
    )
    due = {r.kind: timezone.localtime(r.due_at) for r in Reminder.objects.filter(follow_up=m3)}
    assert due == {
        "invitation": at(M3_OPENS, 9, 0),
        "reminder_1": at(M3_OPENS + timedelta(days=3), 9, 0),
        "reminder_2": at(M3_OPENS + timedelta(days=7), 9, 0),
        "escalation": at(M3_OPENS + timedelta(days=10), 9, 0),
    }


def test_whole_cadence_when_the_patient_never_answers(randomised, pwp_a):
    m3 = randomised.follow_ups.get(timepoint="month3")
    assert run_beat(M3_OPENS, 8, 59) == []  # due at 09:00 on the opening day, not before
    m3.refresh_from_db()
    assert m3.status == FollowUpStatus.OPEN

    sent = run_days(M3_OPENS, M3_CLOSES + timedelta(days=2))

    assert sent == {
        M3_OPENS: ["month3:invitation"],
        M3_OPENS + timedelta(days=3): ["month3:reminder_1"],
        M3_OPENS + timedelta(days=7): ["month3:reminder_2"],
        M3_OPENS + timedelta(days=10): ["month3:escalation"],
    }
    assert len(mail.outbox) == 3
    assert len({TOKEN.search(m.body).group(1) for m in mail.outbox}) == 3  # a fresh link each
    task = Reminder.objects.get(follow_up=m3, kind=ReminderKind.ESCALATION)
    assert task.assigned_to == pwp_a
    m3.refresh_from_db()
    assert m3.status == FollowUpStatus.MISSED  # the window closed on 3 May
    with time_machine.travel(at(M3_CLOSES + timedelta(days=1)), tick=False):
        assert list(open_tasks_for(pwp_a)) == []  # a missed follow-up needs no more calls


def test_links_in_reminders_stop_working_when_the_window_closes(randomised):
    run_beat(M3_OPENS)
    token = TOKEN.search(mail.outbox[0].body).group(1)
    with time_machine.travel(at(M3_CLOSES, 23, 59), tick=False):
        assert links.find_link(token).usable
    with time_machine.travel(at(M3_CLOSES + timedelta(days=1), 0, 1), tick=False):
        assert links.find_link(token).problem == links.EXPIRED


def test_answering_after_the_first_reminder_stops_every_later_one(randomised, pwp_a):
    m3 = randomised.follow_ups.get(timepoint="month3")
    first = run_days(M3_OPENS, M3_OPENS + timedelta(days=4))
    assert sorted(first.values()) == [["month3:invitation"], ["month3:reminder_1"]]
    token = TOKEN.search(mail.outbox[-1].body).group(1)

    with time_machine.travel(at(M3_OPENS + timedelta(days=5), 19), tick=False):
        link = links.find_link(token).link
        link.draft_answers = {
            "phq9": {f"item{i}": 0 for i in range(1, 10)},
            "gad7": {f"item{i}": 0 for i in range(1, 8)},
            "smoking": {
                "smoked_last_7_days": "no",
                "cigarettes_last_7_days": None,
                "stopped_on": (M3_OPENS + timedelta(days=5)).isoformat(),
                "quit_attempt": "no",
                "uses_e_cigarette": "no",
                "uses_medication": "no",
            },
        }
        link.save()
        submit_questionnaire(link=link)

    later = run_days(M3_OPENS + timedelta(days=5), M3_CLOSES)
    assert later == {}
    assert len(mail.outbox) == 2
    m3.refresh_from_db()
    assert m3.status == FollowUpStatus.COMPLETED
    statuses = dict(Reminder.objects.filter(follow_up=m3).values_list("kind", "status"))
    assert statuses == {
        "invitation": "sent",
        "reminder_1": "sent",
        "reminder_2": "cancelled",
        "escalation": "cancelled",
    }


def test_quit_date_creates_the_four_week_check_and_moving_it_moves_the_reminders(randomised):
    quit_date = date(2026, 1, 20)
    with time_machine.travel(at(date(2026, 1, 12)), tick=False):
        set_quit_date(participant=randomised, quit_date=quit_date)
    week4 = randomised.follow_ups.get(timepoint="week4")
    assert (week4.opens_on, week4.due_on, week4.closes_on) == (
        date(2026, 2, 14),
        date(2026, 2, 17),
        date(2026, 3, 3),
    )
    with time_machine.travel(at(date(2026, 1, 25)), tick=False):
        set_quit_date(participant=randomised, quit_date=date(2026, 1, 27))  # a week later
    week4.refresh_from_db()
    assert week4.opens_on == date(2026, 2, 21)
    invitation = Reminder.objects.get(follow_up=week4, kind="invitation")
    assert timezone.localtime(invitation.due_at) == at(date(2026, 2, 21), 9, 0)

    sent = run_days(date(2026, 2, 13), date(2026, 3, 5))
    assert sent == {
        date(2026, 2, 21): ["week4:invitation"],
        date(2026, 2, 24): ["week4:reminder_1"],
        date(2026, 2, 28): ["week4:reminder_2"],
        date(2026, 3, 3): ["week4:escalation"],
    }


def test_new_quit_date_after_the_invitation_went_out_invites_again_for_the_new_window(
    randomised,
):
    with time_machine.travel(at(date(2026, 1, 12)), tick=False):
        set_quit_date(participant=randomised, quit_date=date(2026, 1, 20))
    assert run_days(date(2026, 2, 14), date(2026, 2, 15)) == {
        date(2026, 2, 14): ["week4:invitation"]
    }
    old_token = TOKEN.search(mail.outbox[0].body).group(1)

    # The participant relapsed; the PWP sets a new quit date, so the 4-week check moves.
    with time_machine.travel(at(date(2026, 2, 16), 14), tick=False):
        set_quit_date(participant=randomised, quit_date=date(2026, 2, 10))
        assert links.find_link(old_token).problem == links.NOT_OPEN
    week4 = randomised.follow_ups.get(timepoint="week4")
    assert (week4.opens_on, week4.closes_on) == (date(2026, 3, 7), date(2026, 3, 24))
    assert week4.status == FollowUpStatus.SCHEDULED

    sent = run_days(date(2026, 2, 16), date(2026, 3, 8))
    assert sent == {date(2026, 3, 7): ["week4:invitation"]}
    with time_machine.travel(at(date(2026, 3, 8)), tick=False):
        assert links.find_link(old_token).usable  # the old link follows the new window


def test_withdrawal_stops_every_reminder_and_link(randomised):
    m3 = randomised.follow_ups.get(timepoint="month3")
    run_days(M3_OPENS, M3_OPENS + timedelta(days=1))
    token = TOKEN.search(mail.outbox[0].body).group(1)
    with time_machine.travel(at(M3_OPENS + timedelta(days=2)), tick=False):
        withdraw_participant(
            participant=randomised, on=M3_OPENS + timedelta(days=2), reason="participant_choice"
        )
        assert links.find_link(token).problem == links.EXPIRED

    assert run_days(M3_OPENS + timedelta(days=2), date(2026, 8, 10)) == {}
    assert len(mail.outbox) == 1
    statuses = set(randomised.follow_ups.values_list("status", flat=True))
    assert statuses == {FollowUpStatus.CANCELLED}
    assert not Reminder.objects.filter(
        participant=randomised, status=ReminderStatus.PENDING
    ).exists()
    assert Reminder.objects.filter(follow_up=m3, status=ReminderStatus.SENT).count() == 1


def test_withdrawn_contact_consent_stops_reminders_and_renewed_consent_rearms_future_ones(
    randomised,
):
    contact = {"email": "patient@example.test", "mobile": "", "preferred_channel": "email"}
    run_beat(M3_OPENS)
    with time_machine.travel(at(M3_OPENS + timedelta(days=1)), tick=False):
        update_contact_details(participant=randomised, consent_to_contact=False, **contact)
    assert run_days(M3_OPENS + timedelta(days=1), M3_OPENS + timedelta(days=5)) == {}

    with time_machine.travel(at(M3_OPENS + timedelta(days=5), 12), tick=False):
        update_contact_details(participant=randomised, consent_to_contact=True, **contact)
        services.sync_follow_up_schedule(participant=randomised)

    sent = run_days(M3_OPENS + timedelta(days=5), M3_CLOSES)
    assert sent == {
        M3_OPENS + timedelta(days=7): ["month3:reminder_2"],
        M3_OPENS + timedelta(days=10): ["month3:escalation"],
    }
    m3 = randomised.follow_ups.get(timepoint="month3")
    assert Reminder.objects.get(follow_up=m3, kind="reminder_1").status == "cancelled"


def test_six_month_cadence_runs_after_the_three_month_one(randomised):
    sent = run_days(date(2026, 6, 20), date(2026, 7, 2))
    assert sent == {
        date(2026, 6, 21): ["month6:invitation"],
        date(2026, 6, 24): ["month6:reminder_1"],
        date(2026, 6, 28): ["month6:reminder_2"],
        date(2026, 7, 1): ["month6:escalation"],
    }


# Quit date 1 Mar: the 4-week check is open 26 Mar to 12 Apr. A new quit date of 1 May moves it
# to 26 May - 12 Jun.
QUIT, NEW_QUIT = date(2026, 3, 1), date(2026, 5, 1)
W4_OPENS, W4_CLOSES = date(2026, 3, 26), date(2026, 4, 12)
NEW_W4 = (date(2026, 5, 26), date(2026, 5, 29), date(2026, 6, 12))


def _week4_sent(first: date, last: date) -> dict[date, list[str]]:
    """run_days, keeping the 4-week check's messages only (the month-3 cadence runs too)."""
    days = run_days(first, last).items()
    week4 = {d: [k for k in kinds if k.startswith("week4:")] for d, kinds in days}
    return {d: kinds for d, kinds in week4.items() if kinds}


@pytest.fixture
def missed_week4(randomised):
    """The 4-week check for a 1 March quit date, never answered: missed on 13 April."""
    with time_machine.travel(at(date(2026, 2, 20)), tick=False):
        set_quit_date(participant=randomised, quit_date=QUIT)
    assert _week4_sent(W4_OPENS, W4_CLOSES + timedelta(days=1)) == {
        W4_OPENS: ["week4:invitation"],
        W4_OPENS + timedelta(days=3): ["week4:reminder_1"],
        W4_OPENS + timedelta(days=7): ["week4:reminder_2"],
        W4_OPENS + timedelta(days=10): ["week4:escalation"],
    }
    week4 = randomised.follow_ups.get(timepoint="week4")
    assert week4.status == FollowUpStatus.MISSED
    return week4


def _tokens_for(follow_up, emails) -> list[str]:
    tokens = [TOKEN.search(m.body).group(1) for m in emails]
    return [t for t in tokens if links.find_link(t).link.follow_up_id == follow_up.pk]


def test_a_missed_four_week_check_moves_to_the_new_quit_dates_window(missed_week4, pwp_a):
    old_token = _tokens_for(missed_week4, mail.outbox)[0]
    with time_machine.travel(at(date(2026, 4, 20), 14), tick=False):
        set_quit_date(participant=missed_week4.participant, quit_date=NEW_QUIT)
    missed_week4.refresh_from_db()
    assert (missed_week4.opens_on, missed_week4.due_on, missed_week4.closes_on) == NEW_W4
    assert missed_week4.status == FollowUpStatus.SCHEDULED
    rows = Reminder.objects.filter(follow_up=missed_week4)
    assert {r.kind: (r.status, timezone.localtime(r.due_at).date()) for r in rows} == {
        "invitation": ("pending", date(2026, 5, 26)),
        "reminder_1": ("pending", date(2026, 5, 29)),
        "reminder_2": ("pending", date(2026, 6, 2)),
        "escalation": ("pending", date(2026, 6, 5)),
    }

    sent = _week4_sent(date(2026, 4, 20), date(2026, 6, 5))
    assert sent == {
        date(2026, 5, 26): ["week4:invitation"],
        date(2026, 5, 29): ["week4:reminder_1"],
        date(2026, 6, 2): ["week4:reminder_2"],
        date(2026, 6, 5): ["week4:escalation"],
    }
    missed_week4.refresh_from_db()
    assert missed_week4.status == FollowUpStatus.OPEN
    task = Reminder.objects.get(follow_up=missed_week4, kind=ReminderKind.ESCALATION)
    with time_machine.travel(at(date(2026, 6, 5), 12), tick=False):
        assert links.find_link(old_token).usable  # a link from the old window works in the new
        assert list(open_tasks_for(pwp_a)) == [task]
    assert _week4_sent(date(2026, 6, 6), date(2026, 6, 14)) == {}


def test_a_new_window_already_open_gets_one_catch_up_message_then_the_cadence(missed_week4):
    before = len(mail.outbox)
    # 1 April gives a window of 26 April to 13 May; it is 28 April, the invitation day is past.
    with time_machine.travel(at(date(2026, 4, 28), 8), tick=False):
        set_quit_date(participant=missed_week4.participant, quit_date=date(2026, 4, 1))
    missed_week4.refresh_from_db()
    assert missed_week4.status == FollowUpStatus.OPEN
    sent = _week4_sent(date(2026, 4, 28), date(2026, 5, 14))
    assert sent == {
        date(2026, 4, 28): ["week4:invitation"],
        date(2026, 4, 29): ["week4:reminder_1"],
        date(2026, 5, 3): ["week4:reminder_2"],
        date(2026, 5, 6): ["week4:escalation"],
    }
    assert len(_tokens_for(missed_week4, mail.outbox[before:])) == 3  # one each, none twice


def _rows(follow_up) -> set[tuple]:
    return set(Reminder.objects.filter(follow_up=follow_up).values_list("kind", "status", "due_at"))


def test_a_new_quit_date_whose_window_has_also_closed_sends_nothing(missed_week4):
    sent_before = _rows(missed_week4)
    with time_machine.travel(at(date(2026, 5, 20)), tick=False):
        set_quit_date(participant=missed_week4.participant, quit_date=date(2026, 3, 20))
    missed_week4.refresh_from_db()
    assert (missed_week4.opens_on, missed_week4.closes_on) == (date(2026, 4, 14), date(2026, 5, 1))
    assert missed_week4.status == FollowUpStatus.MISSED
    assert _rows(missed_week4) == sent_before
    assert _week4_sent(date(2026, 5, 20), date(2026, 5, 25)) == {}


def test_a_completed_four_week_check_never_moves(randomised):
    with time_machine.travel(at(date(2026, 2, 20)), tick=False):
        set_quit_date(participant=randomised, quit_date=QUIT)
    run_days(W4_OPENS, W4_OPENS + timedelta(days=1))
    week4 = randomised.follow_ups.get(timepoint="week4")
    with time_machine.travel(at(W4_OPENS + timedelta(days=2)), tick=False):
        services.complete_follow_up(follow_up=week4)
    week4.refresh_from_db()
    before = (week4.opens_on, week4.due_on, week4.closes_on, week4.status, week4.completed_at)
    reminders = _rows(week4)

    with time_machine.travel(at(date(2026, 4, 20)), tick=False):
        set_quit_date(participant=randomised, quit_date=NEW_QUIT)
    week4.refresh_from_db()
    assert (week4.opens_on, week4.due_on, week4.closes_on, week4.status, week4.completed_at) == (
        before
    )
    assert week4.status == FollowUpStatus.COMPLETED
    assert _rows(week4) == reminders
    assert _week4_sent(date(2026, 4, 20), date(2026, 6, 14)) == {}
