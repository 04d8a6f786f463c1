"""Pure rules behind the workspace pages: next due action, paired outcomes, 4-week outcome."""

import datetime as dt

from apps.patients.overview import (
    PendingFollowUp,
    TimelineEvent,
    four_week_summary,
    next_action,
    ordered_timeline,
    paired_scores,
    talking_therapies_summary,
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


def test_pairs_are_phq9_and_gad7_on_the_same_day_the_last_of_a_day_counting():
    phq = [(dt.date(2026, 1, 1), 14), (dt.date(2026, 1, 8), 12), (dt.date(2026, 1, 8), 11)]
    gad = [(dt.date(2026, 1, 1), 9), (dt.date(2026, 1, 15), 5)]
    assert paired_scores(phq, gad) == [(dt.date(2026, 1, 1), 14, 9)]


def test_talking_therapies_outcome_uses_first_and_last_pair():
    # clinical-rules.md worked example: 14/9 -> 8/6 is recovery with reliable improvement.
    phq = [(dt.date(2026, 1, 1), 14), (dt.date(2026, 1, 8), 20), (dt.date(2026, 2, 1), 8)]
    gad = [(dt.date(2026, 1, 1), 9), (dt.date(2026, 1, 8), 12), (dt.date(2026, 2, 1), 6)]
    summary = talking_therapies_summary(phq, gad)
    assert (summary.first_phq9, summary.last_phq9, summary.pairs) == (14, 8, 3)
    assert summary.outcome.caseness_at_start
    assert summary.outcome.recovered
    assert summary.outcome.reliable_improvement
    assert summary.outcome.reliable_recovery


def test_talking_therapies_outcome_needs_two_pairs():
    assert (
        talking_therapies_summary([(dt.date(2026, 1, 1), 14)], [(dt.date(2026, 1, 1), 9)]) is None
    )
    assert talking_therapies_summary([], []) is None


QUIT = dt.date(2026, 3, 1)


def test_four_week_outcome_worked_examples():
    day29 = dt.date(2026, 3, 30)
    assert (
        four_week_summary(quit_date=QUIT, reports=[(day29, True)], co_readings=[(day29, 4)])
        == "quit_co_verified"
    )
    assert (
        four_week_summary(quit_date=QUIT, reports=[(day29, True)], co_readings=[(day29, 12)])
        == "not_quit"
    )
    assert four_week_summary(quit_date=QUIT, reports=[(day29, True)], co_readings=[]) == (
        "quit_self_report"
    )


def test_four_week_outcome_ignores_co_readings_outside_the_window():
    day29 = dt.date(2026, 3, 30)
    outcome = four_week_summary(
        quit_date=QUIT, reports=[(day29, True)], co_readings=[(dt.date(2026, 3, 10), 3)]
    )
    assert outcome == "quit_self_report"


def test_four_week_outcome_is_unknown_until_a_report_in_the_window():
    assert (
        four_week_summary(quit_date=QUIT, reports=[(dt.date(2026, 4, 13), True)], co_readings=[])
        is None
    )
    assert four_week_summary(quit_date=None, reports=[], co_readings=[]) is None


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
