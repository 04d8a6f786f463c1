"""Pure rules behind the workspace pages: next action, trial end, timeline order.

Pairs and the 4-week outcome are tested with participant_outcomes() (tests/outcomes).
"""

import datetime as dt

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
