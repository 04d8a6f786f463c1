"""Pure rules behind the workspace pages: next action, trial end, timeline order.

Pairs and the 4-week outcome are tested with participant_outcomes() (tests/outcomes).
"""

import datetime as dt

from apps.clinical.protocol import DEFAULT_TREATMENT_WEEKS, treatment_period_open
from apps.patients.overview import (
    PendingFollowUp,
    TimelineEvent,
    next_action,
    ordered_timeline,
    trial_completion,
)

TODAY = dt.date(2026, 6, 10)


def _action(**kwargs):
    base = {
        "status": "randomised",
        "has_baseline": True,
        "pilot_is_randomised": True,
        "arm": "intervention",
        "attended_sessions": 0,
        "first_session_on": None,
        "treatment_weeks": DEFAULT_TREATMENT_WEEKS,
        "follow_ups": [],
        "today": TODAY,
    }
    return next_action(**(base | kwargs))


def _window(timepoint, opens, due, closes, status="scheduled"):
    return PendingFollowUp(timepoint, due, opens, closes, status)


def test_next_action_walks_the_journey_before_randomisation():
    assert _action(status="screened").label == "Record consent"
    assert _action(status="consented", has_baseline=False).label == "Record baseline"
    assert _action(status="consented").label == "Randomise"
    assert _action(status="consented", pilot_is_randomised=False).label == "Enrol"


def test_next_action_is_the_next_session_for_the_intervention_arm():
    action = _action(attended_sessions=1)
    assert (action.kind, action.label) == ("session", "Session 2 (quit day)")
    assert _action(attended_sessions=5).label == "Session 6 (final)"


def test_single_arm_enrolled_participants_get_sessions_too():
    assert _action(status="enrolled", arm=None).kind == "session"


def test_control_arm_is_told_when_the_next_follow_up_opens():
    month3 = _window("month3", dt.date(2026, 8, 1), dt.date(2026, 8, 15), dt.date(2026, 9, 12))
    action = _action(arm="control", follow_ups=[month3])
    assert action.label == "3-month follow-up opens 1 Aug 2026"
    assert not action.overdue


def test_open_follow_up_window_comes_before_sessions():
    week4 = _window("week4", dt.date(2026, 6, 5), dt.date(2026, 6, 8), dt.date(2026, 6, 22))
    action = _action(attended_sessions=3, follow_ups=[week4])
    assert action.kind == "follow_up"
    assert action.overdue
    assert action.label == "4-week quit check overdue: window closes 22 Jun 2026"


def test_follow_up_due_later_in_an_open_window_is_not_overdue():
    week4 = _window("week4", dt.date(2026, 6, 5), dt.date(2026, 6, 12), dt.date(2026, 6, 22))
    action = _action(follow_ups=[week4])
    assert (action.overdue, action.label) == (
        False,
        "4-week quit check window open, due 12 Jun 2026",
    )


def test_status_is_worked_out_from_dates_not_a_stale_stored_status():
    # Stored as scheduled, but the window opened yesterday.
    week4 = _window("week4", dt.date(2026, 6, 9), dt.date(2026, 6, 12), dt.date(2026, 6, 26))
    assert _action(attended_sessions=6, follow_ups=[week4]).kind == "follow_up"


def test_closed_follow_ups_and_finished_participants_have_nothing_due():
    done = _window(
        "month3", dt.date(2026, 6, 1), dt.date(2026, 6, 5), dt.date(2026, 7, 1), "completed"
    )
    assert _action(arm="control", follow_ups=[done]).kind == "none"
    assert _action(status="withdrawn").label == "No further action"
    assert _action(status="completed").kind == "none"


MONTH6 = _window("month6", dt.date(2026, 5, 27), dt.date(2026, 6, 10), dt.date(2026, 7, 8))


def test_participation_completes_only_after_the_six_month_follow_up():
    open_month6 = _window("month6", MONTH6.opens_on, MONTH6.due_on, MONTH6.closes_on, "open")
    refused = trial_completion(status="randomised", month6=open_month6, today=TODAY)
    assert not refused.allowed
    assert "closes 8 Jul 2026" in refused.reason
    done = _window("month6", MONTH6.opens_on, MONTH6.due_on, MONTH6.closes_on, "completed")
    assert trial_completion(status="randomised", month6=done, today=TODAY).allowed
    missed = _window("month6", MONTH6.opens_on, MONTH6.due_on, MONTH6.closes_on, "missed")
    assert trial_completion(status="lost", month6=missed, today=TODAY).allowed
    # Closed by date even if the stored status has not been refreshed yet.
    after = dt.date(2026, 7, 9)
    assert trial_completion(status="enrolled", month6=open_month6, today=after).allowed
    assert not trial_completion(
        status="enrolled", month6=open_month6, today=MONTH6.closes_on
    ).allowed


def test_participation_cannot_complete_without_a_six_month_follow_up_or_once_exited():
    assert not trial_completion(status="randomised", month6=None, today=TODAY).allowed
    done = _window("month6", MONTH6.opens_on, MONTH6.due_on, MONTH6.closes_on, "completed")
    for status in ("screened", "consented", "withdrawn", "completed"):
        assert not trial_completion(status=status, month6=done, today=TODAY).allowed
    cancelled = _window("month6", MONTH6.opens_on, MONTH6.due_on, MONTH6.closes_on, "cancelled")
    assert not trial_completion(status="randomised", month6=cancelled, today=TODAY).allowed


def _month6(status):
    return _window("month6", MONTH6.opens_on, MONTH6.due_on, MONTH6.closes_on, status)


MONTH3_DONE = _window(
    "month3", dt.date(2026, 2, 25), dt.date(2026, 3, 11), dt.date(2026, 4, 8), "completed"
)


def test_after_the_six_month_follow_up_the_next_action_is_completing_not_a_session():
    # Three sessions attended long ago, both follow-ups done: no "Session 4 (follow-up)".
    action = _action(
        attended_sessions=3,
        first_session_on=dt.date(2025, 12, 1),
        follow_ups=[MONTH3_DONE, _month6("completed")],
    )
    assert (action.kind, action.label) == (
        "complete",
        "Follow-ups over: mark participation complete",
    )


def test_a_missed_six_month_follow_up_or_a_lost_participant_is_offered_completion_too():
    assert _action(arm="control", follow_ups=[_month6("missed")]).kind == "complete"
    assert _action(status="lost", follow_ups=[_month6("completed")]).kind == "complete"
    # Closed by date, even while the stored status still says open.
    after = MONTH6.closes_on + dt.timedelta(days=1)
    assert _action(follow_ups=[_month6("open")], today=after).kind == "complete"


def test_completion_waits_for_the_six_month_window_and_never_follows_a_cancelled_one():
    assert _action(follow_ups=[_month6("open")]).kind == "follow_up"
    cancelled = _action(arm="control", follow_ups=[_month6("cancelled")])
    assert cancelled.kind == "none"
    assert _action(status="completed", follow_ups=[_month6("completed")]).kind == "none"


def test_sessions_are_proposed_only_during_the_treatment_period():
    twelve_weeks_ago = TODAY - dt.timedelta(weeks=12)
    month3 = _window("month3", dt.date(2026, 8, 1), dt.date(2026, 8, 15), dt.date(2026, 9, 12))
    last_day = _action(
        attended_sessions=3,
        first_session_on=twelve_weeks_ago + dt.timedelta(days=1),
        follow_ups=[month3],
    )
    assert (last_day.kind, last_day.label) == ("session", "Session 4 (follow-up)")
    ended = _action(attended_sessions=3, first_session_on=twelve_weeks_ago, follow_ups=[month3])
    assert (ended.kind, ended.label) == ("follow_up", "3-month follow-up opens 1 Aug 2026")
    assert _action(attended_sessions=3, first_session_on=twelve_weeks_ago).kind == "none"


def test_the_treatment_period_is_the_pilots_setting_and_starts_at_the_first_session():
    first = TODAY - dt.timedelta(weeks=14)
    assert _action(attended_sessions=2, first_session_on=first).kind == "none"
    longer = _action(attended_sessions=2, first_session_on=first, treatment_weeks=16)
    assert longer.label == "Session 3 (follow-up)"
    # Nobody has been seen yet: the period has not started, so session 1 is still due.
    assert _action(first_session_on=None).label == "Session 1 (pre-quit)"


def test_treatment_period_counts_whole_weeks_from_the_first_session_day():
    first = dt.date(2026, 1, 5)
    assert treatment_period_open(None, TODAY, 12)
    assert treatment_period_open(first, first, 12)
    assert treatment_period_open(first, dt.date(2026, 3, 29), 12)  # day 83
    assert not treatment_period_open(first, dt.date(2026, 3, 30), 12)  # day 84: 12 weeks on
    assert treatment_period_open(first, dt.date(2026, 1, 11), 1)
    assert not treatment_period_open(first, dt.date(2026, 1, 12), 1)


def test_timeline_is_oldest_first_with_times_ordered_within_a_day():
    day = dt.date(2026, 1, 2)
    late = dt.datetime(2026, 1, 2, 15, 0, tzinfo=dt.UTC)
    early = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.UTC)
    events = [
        TimelineEvent(late, "alert", "late"),
        TimelineEvent(day, "session", "day"),
        TimelineEvent(early, "measure", "early"),
        TimelineEvent(dt.date(2026, 1, 1), "consent", "first"),
    ]
    assert [e.title for e in ordered_timeline(events)] == ["first", "day", "early", "late"]
