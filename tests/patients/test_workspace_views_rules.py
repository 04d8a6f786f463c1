"""Pure rules behind the workspace pages: next action, pairs, 4-week outcome, trial end."""

import datetime as dt

from apps.patients.overview import (
    FOUR_WEEK_LABELS,
    PendingFollowUp,
    TimelineEvent,
    four_week_summary,
    next_action,
    ordered_timeline,
    paired_scores,
    talking_therapies_summary,
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


D1, D8, D15 = dt.date(2026, 1, 1), dt.date(2026, 1, 8), dt.date(2026, 1, 15)


def test_pairs_are_phq9_and_gad7_at_the_same_contact_the_later_answer_counting():
    phq = [(D1, "baseline", 14), (D8, "session", 12), (D8, "session", 11)]
    gad = [(D1, "baseline", 9), (D8, "session", 6), (D15, "session", 5)]
    assert paired_scores(phq, gad) == [(D1, 14, 9), (D8, 11, 6)]


def test_same_day_answers_at_different_timepoints_are_not_a_pair():
    # A PHQ-9 at the baseline visit and a GAD-7 at a session the same day: two contacts.
    phq = [(D1, "baseline", 14), (D8, "session", 8)]
    gad = [(D1, "session", 9), (D8, "session", 6)]
    assert paired_scores(phq, gad) == [(D8, 8, 6)]
    assert talking_therapies_summary(phq, gad) is None


def test_two_contacts_on_one_day_are_two_pairs_ordered_as_recorded():
    # Baseline, then the first session the same day: the dashboard counts two pairs.
    phq = [(D1, "baseline", 14), (D1, "session", 8)]
    gad = [(D1, "baseline", 9), (D1, "session", 6)]
    summary = talking_therapies_summary(phq, gad)
    assert summary.pairs == 2
    assert (summary.first_phq9, summary.first_gad7) == (14, 9)
    assert (summary.last_phq9, summary.last_gad7) == (8, 6)


def test_talking_therapies_outcome_uses_first_and_last_pair():
    # clinical-rules.md worked example: 14/9 -> 8/6 is recovery with reliable improvement.
    phq = [(D1, "baseline", 14), (D8, "session", 20), (dt.date(2026, 2, 1), "week4", 8)]
    gad = [(D1, "baseline", 9), (D8, "session", 12), (dt.date(2026, 2, 1), "week4", 6)]
    summary = talking_therapies_summary(phq, gad)
    assert (summary.first_phq9, summary.last_phq9, summary.pairs) == (14, 8, 3)
    assert summary.outcome.caseness_at_start
    assert summary.outcome.recovered
    assert summary.outcome.reliable_improvement
    assert summary.outcome.reliable_recovery


def test_talking_therapies_outcome_needs_two_pairs():
    assert talking_therapies_summary([(D1, "baseline", 14)], [(D1, "baseline", 9)]) is None
    assert talking_therapies_summary([], []) is None


QUIT = dt.date(2026, 3, 1)
DAY29 = dt.date(2026, 3, 30)
AFTER_WINDOW = dt.date(2026, 4, 13)  # day 43


def _four_week(reports, co_readings=(), today=AFTER_WINDOW, quit_date=QUIT):
    return four_week_summary(
        quit_date=quit_date, reports=reports, co_readings=list(co_readings), today=today
    )


def test_four_week_outcome_worked_examples():
    assert _four_week([(DAY29, True)], [(DAY29, 4)]) == "quit_co_verified"
    assert _four_week([(DAY29, True)], [(DAY29, 12)]) == "not_quit"
    assert _four_week([(DAY29, True)]) == "quit_self_report"
    assert _four_week([(dt.date(2026, 4, 12), True)], [(dt.date(2026, 4, 12), 4)]) == (
        "quit_co_verified"
    )


def test_four_week_outcome_ignores_co_readings_outside_the_window():
    assert _four_week([(DAY29, True)], [(dt.date(2026, 3, 10), 3)]) == "quit_self_report"


def test_four_week_outcome_is_not_yet_assessed_while_the_window_is_still_to_close():
    assert _four_week([], today=dt.date(2026, 3, 20)) == "not_yet_assessed"
    assert _four_week([], today=dt.date(2026, 4, 12)) == "not_yet_assessed"  # day 42
    assert FOUR_WEEK_LABELS["not_yet_assessed"] == "Not yet assessed"


def test_four_week_outcome_is_not_known_once_the_window_closed_without_a_report():
    # Day 43 report: outside the window, so not known; lost to follow-up counts as smoking.
    assert _four_week([(AFTER_WINDOW, True)]) == "not_known"
    assert _four_week([]) == "not_known"
    assert FOUR_WEEK_LABELS["not_known"] == "Not known (counts as not quit)"


def test_four_week_outcome_takes_the_entry_recorded_last_on_the_same_day():
    # As the dashboard and the export do: a corrected report or a later reading wins.
    assert _four_week([(DAY29, True), (DAY29, False)]) == "not_quit"
    assert _four_week([(DAY29, True)], [(DAY29, 12), (DAY29, 4)]) == "quit_co_verified"
    assert _four_week([(DAY29, True)], [(DAY29, 4), (DAY29, 12)]) == "not_quit"


def test_four_week_outcome_needs_a_quit_date():
    assert _four_week([], quit_date=None) is None


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
