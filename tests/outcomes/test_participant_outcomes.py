"""participant_outcomes(): the one definition of every participant-level outcome.

The worked examples of clinical-rules.md (first-edition rules; the 2nd-edition changes come with
their own issue), and the cases the page, the dashboard and the exports used to disagree on.
"""

import datetime as dt

from apps.clinical import scoring
from apps.clinical.outcome_labels import FOUR_WEEK_LABELS
from apps.clinical.participant_outcomes import (
    COMPLETED,
    LOST,
    MISSED,
    NOT_APPLICABLE,
    NOT_YET_ASSESSED,
    NOT_YET_DUE,
    OPEN,
    WITHDRAWN,
    four_week_display,
    paired_scores,
    participant_outcomes,
)
from tests.outcomes.records import (
    RANDOMISED_ON,
    baseline,
    co,
    follow_up,
    records,
    report,
    score,
    session,
)

D = dt.date
QUIT = D(2026, 3, 1)
DAY29 = D(2026, 3, 30)
DAY42 = D(2026, 4, 12)
DAY43 = D(2026, 4, 13)
LATE = D(2027, 1, 1)  # every window has closed


def _outcomes(today=LATE, **overrides):
    return participant_outcomes(records(**overrides), today=today)


def _four_week(reports, readings=(), today=LATE, quit_date=QUIT):
    check = _outcomes(
        today,
        quit_date=quit_date,
        smoking_reports=tuple(reports),
        co_readings=tuple(readings),
    ).four_week
    return None if check is None else check.outcome


def _check(day, smoke_free=True):
    return report("week4", day, smoke_free=smoke_free)


# -- the 4-week quit (Russell Standard) ---------------------------------------------------------


def test_four_week_worked_examples():
    assert _four_week([_check(DAY29)], [co("week4", DAY29, 4)]) == scoring.QUIT_CO_VERIFIED
    assert _four_week([_check(DAY42)], [co("week4", DAY42, 4)]) == scoring.QUIT_CO_VERIFIED
    assert _four_week([_check(DAY43)], [co("week4", DAY43, 4)]) == scoring.NOT_KNOWN
    assert _four_week([_check(DAY29)], [co("week4", DAY29, 12)]) == scoring.NOT_QUIT
    assert _four_week([_check(DAY29)]) == scoring.QUIT_SELF_REPORT


def test_the_co_reading_that_counts_is_taken_in_the_window_whatever_its_label():
    assert _four_week([_check(DAY29)], [co("session", DAY29, 3)]) == scoring.QUIT_CO_VERIFIED
    assert _four_week([_check(DAY29)], [co("week4", D(2026, 3, 10), 3)]) == (
        scoring.QUIT_SELF_REPORT
    )


def test_the_report_recorded_last_on_a_day_counts():
    assert _four_week([_check(DAY29), _check(DAY29, smoke_free=False)]) == scoring.NOT_QUIT


def test_any_reading_of_10_or_more_in_the_span_contradicts_the_report():
    """(2nd ed.) 12 ppm then 4 ppm is not verified, in either order: every reading counts."""
    readings = [co("week4", DAY29, 12), co("week4", DAY29, 4)]
    assert _four_week([_check(DAY29)], readings) == scoring.NOT_QUIT
    assert _four_week([_check(DAY29)], readings[::-1]) == scoring.NOT_QUIT
    check = _outcomes(quit_date=QUIT, smoking_reports=(_check(DAY29),), co_readings=readings)
    assert check.four_week.co_ppm == 12  # the reading that decided is the one shown


def test_worked_example_a_session_reading_before_the_follow_up_contradicts_it():
    """(2nd ed.) CO 12 in a session on 28 March, 4 at the follow-up on 2 April, no smoking
    reported since 15 March: not quit."""
    readings = [co("session", D(2026, 3, 28), 12), co("week4", D(2026, 4, 2), 4)]
    assert _four_week([_check(D(2026, 4, 2))], readings) == scoring.NOT_QUIT
    assert _four_week([_check(D(2026, 4, 2))], readings[1:]) == scoring.QUIT_CO_VERIFIED


def test_a_reading_after_the_report_or_before_the_window_does_not_count():
    after = [co("session", D(2026, 4, 5), 15)]
    assert _four_week([_check(D(2026, 4, 2))], after) == scoring.QUIT_SELF_REPORT
    before = [co("session", D(2026, 3, 20), 15)]  # day 19: after day 14, before the window
    assert _four_week([_check(D(2026, 4, 2))], before) == scoring.QUIT_SELF_REPORT


def test_a_borderline_reading_still_verifies():
    assert _four_week([_check(DAY29)], [co("week4", DAY29, 9)]) == scoring.QUIT_CO_VERIFIED
    assert _four_week([_check(DAY29)], [co("week4", DAY29, 10)]) == scoring.NOT_QUIT


def test_a_report_in_the_window_wins_over_a_later_one_outside_it():
    check = _outcomes(quit_date=QUIT, smoking_reports=(_check(DAY29), _check(DAY43))).four_week
    assert (check.outcome, check.assessed_on, check.day) == (scoring.QUIT_SELF_REPORT, DAY29, 29)


def test_no_quit_date_means_the_four_week_check_does_not_apply():
    outcomes = _outcomes()
    assert outcomes.four_week is None
    assert outcomes.timepoints["week4"].status == NOT_APPLICABLE
    assert not outcomes.counts_at("week4")
    assert four_week_display(outcomes) is None


def test_the_page_says_not_yet_assessed_until_the_check_counts():
    before = _outcomes(D(2026, 3, 20), quit_date=QUIT)
    assert four_week_display(before) == NOT_YET_ASSESSED
    assert four_week_display(_outcomes(DAY42, quit_date=QUIT)) == NOT_YET_ASSESSED
    closed = _outcomes(DAY43, quit_date=QUIT)
    assert four_week_display(closed) == scoring.NOT_KNOWN
    assert FOUR_WEEK_LABELS[NOT_YET_ASSESSED] == "Not yet assessed"
    assert FOUR_WEEK_LABELS[scoring.NOT_KNOWN] == "Not known (counts as not quit)"


def test_an_in_window_result_shows_before_the_window_closes():
    early = _outcomes(D(2026, 4, 1), quit_date=QUIT, smoking_reports=(_check(DAY29),))
    assert four_week_display(early) == scoring.QUIT_SELF_REPORT
    assert not early.counts_at("week4")  # the dashboard counts it once done or closed


# -- timepoints -----------------------------------------------------------------------------


def test_a_timepoint_is_not_yet_due_then_open_then_missed():
    month3 = follow_up("month3", "scheduled")
    statuses = [
        _outcomes(day, follow_ups=(month3,)).timepoints["month3"].status
        for day in (month3.opens_on - dt.timedelta(days=1), month3.opens_on, month3.closes_on)
    ]
    assert statuses == [NOT_YET_DUE, OPEN, OPEN]
    after = month3.closes_on + dt.timedelta(days=1)
    assert _outcomes(after, follow_ups=(month3,)).timepoints["month3"].status == MISSED


def test_a_completed_follow_up_counts_while_its_window_is_open():
    done = follow_up("month3", "completed")
    outcomes = _outcomes(done.opens_on, follow_ups=(done,))
    assert outcomes.timepoints["month3"].status == COMPLETED
    assert outcomes.counts_at("month3") and outcomes.measure_expected("month3")


def test_without_a_follow_up_row_the_window_comes_from_the_schedule_rule():
    # 3 months after 1 March is 1 June; the window closes 28 days later.
    assert _outcomes(D(2026, 6, 29)).timepoints["month3"].status == OPEN
    assert _outcomes(D(2026, 6, 30)).timepoints["month3"].status == MISSED


def test_withdrawal_before_a_window_closes_is_withdrawn_there_and_after_it_missed():
    month3 = follow_up("month3", "scheduled")
    early = _outcomes(status="withdrawn", exit_on=D(2026, 4, 1), follow_ups=(month3,))
    assert early.timepoints["month3"].status == WITHDRAWN
    assert early.counts_at("month3") and not early.measure_expected("month3")
    late = _outcomes(
        status="withdrawn", exit_on=month3.closes_on + dt.timedelta(days=3), follow_ups=(month3,)
    )
    assert late.timepoints["month3"].status == MISSED and late.measure_expected("month3")


def test_a_lost_participant_is_lost_at_every_closed_timepoint_not_done():
    outcomes = _outcomes(status="lost", exit_on=D(2026, 4, 1))
    assert [outcomes.timepoints[tp].status for tp in ("month3", "month6")] == [LOST, LOST]


# -- 3 and 6 months -------------------------------------------------------------------------


def test_point_prevalence_uses_the_latest_report_and_reading_at_the_follow_up():
    month3 = D(2026, 6, 1)
    outcomes = _outcomes(
        smoking_reports=(report("month3", month3, smoked=True), report("month3", month3)),
        co_readings=(co("month3", month3, 5),),
    )
    assert outcomes.point_prevalence["month3"] == scoring.ABSTINENT_CO_VERIFIED
    assert outcomes.point_prevalence["month6"] == scoring.NOT_KNOWN
    with_high_co = _outcomes(
        smoking_reports=(report("month3", month3),), co_readings=(co("month3", month3, 10),)
    )
    assert with_high_co.point_prevalence["month3"] == scoring.SMOKING


def test_rs6_needs_five_cigarettes_or_fewer_and_co_verification():
    month6 = D(2026, 9, 1)
    assert _outcomes(
        quit_date=QUIT,
        smoking_reports=(report("month6", month6, since14=5),),
        co_readings=(co("month6", month6, 6),),
    ).rs6
    assert not _outcomes(
        quit_date=QUIT,
        smoking_reports=(report("month6", month6, since14=6),),
        co_readings=(co("month6", month6, 6),),
    ).rs6
    assert _outcomes(
        quit_date=QUIT,
        smoking_reports=(report("month6", month6, smoke_free=True),),
        co_readings=(co("month6", month6, 3),),
    ).rs6
    assert not _outcomes(quit_date=QUIT, smoking_reports=(report("month6", month6, since14=0),)).rs6
    assert not _outcomes().rs6  # unknown counts as smoking


def test_a_quit_attempt_counts_only_after_baseline():
    assert not _outcomes(
        smoking_reports=(report("baseline", RANDOMISED_ON, attempt=True),)
    ).quit_attempt
    assert _outcomes(smoking_reports=(report("month3", D(2026, 6, 1), attempt=True),)).quit_attempt


# -- PHQ-9 / GAD-7 -------------------------------------------------------------------------

D1, D8, D15 = D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 15)


def test_pairs_are_phq9_and_gad7_at_the_same_contact_the_later_answer_counting():
    phq = (score("baseline", D1, 14), score("session", D8, 12), score("session", D8, 11))
    gad = (score("baseline", D1, 9), score("session", D8, 6), score("session", D15, 5))
    assert paired_scores(phq, gad) == [(D1, 14, 9), (D8, 11, 6)]


def test_same_day_answers_at_different_timepoints_are_not_a_pair():
    phq = (score("baseline", D1, 14), score("session", D8, 8))
    gad = (score("session", D1, 9), score("session", D8, 6))
    assert paired_scores(phq, gad) == [(D8, 8, 6)]
    outcomes = _outcomes(phq9=phq, gad7=gad)
    assert outcomes.talking_therapies is None and outcomes.pairs == 1


def test_two_contacts_on_one_day_are_two_pairs_ordered_as_recorded():
    phq = (score("baseline", D1, 14), score("session", D1, 8))
    gad = (score("baseline", D1, 9), score("session", D1, 6))
    tt = _outcomes(phq9=phq, gad7=gad).talking_therapies
    assert (tt.pairs, tt.first_phq9, tt.first_gad7, tt.last_phq9, tt.last_gad7) == (2, 14, 9, 8, 6)


def test_recovery_worked_example_uses_first_and_last_pair():
    # clinical-rules.md: 14/9 -> 8/6 is recovery with reliable improvement (PHQ -6).
    feb = D(2026, 2, 1)
    phq = (score("baseline", D1, 14), score("session", D8, 20), score("week4", feb, 8))
    gad = (score("baseline", D1, 9), score("session", D8, 12), score("week4", feb, 6))
    outcomes = _outcomes(phq9=phq, gad7=gad)
    tt = outcomes.talking_therapies
    assert (tt.first_phq9, tt.last_phq9, tt.pairs) == (14, 8, 3)
    assert tt.outcome.caseness_at_start and tt.outcome.recovered
    assert tt.outcome.reliable_improvement and tt.outcome.reliable_recovery
    assert (outcomes.phq9_change, outcomes.gad7_change) == (-6, -3)


def test_change_needs_two_answers():
    outcomes = _outcomes(phq9=(score("baseline", D1, 14),))
    assert outcomes.phq9_change is None and outcomes.talking_therapies is None


# -- sessions and completeness -------------------------------------------------------------


def test_fidelity_counts_expected_bcts_delivered_in_attended_sessions_only():
    sessions = (
        session("pre_quit", bcts=("assess_smoking", "set_quit_date", "change_routines")),
        session("quit_day", attendance="dna", bcts=("abrupt_not_a_puff",)),
    )
    outcomes = _outcomes(sessions=sessions)
    assert (outcomes.sessions_offered, outcomes.sessions_attended, outcomes.sessions_dna) == (
        2,
        1,
        1,
    )
    # change_routines is not expected at pre-quit: 2 of the 8 expected BCTs.
    assert (outcomes.bcts_delivered, outcomes.bcts_expected) == (2, 8)
    assert outcomes.fidelity_percent == 25.0
    custom = participant_outcomes(
        records(sessions=sessions[:1]),
        today=LATE,
        expected_bcts_overrides={"pre_quit": ["change_routines", "change_routines"]},
    )
    assert (custom.bcts_delivered, custom.bcts_expected) == (1, 1)


def test_measures_present_per_timepoint_and_baseline_smoking_is_the_baseline_form():
    outcomes = _outcomes(
        baseline=baseline(),
        phq9=(score("baseline", RANDOMISED_ON, 12),),
        co_readings=(co("month3", D(2026, 6, 1), 4),),
        smoking_reports=(report("baseline", RANDOMISED_ON),),
    )
    assert outcomes.measures_present["baseline"] == {"phq9", "smoking"}
    assert outcomes.measures_present["month3"] == {"co"}
    without_form = _outcomes(smoking_reports=(report("baseline", RANDOMISED_ON),))
    assert "smoking" not in without_form.measures_present["baseline"]
    assert without_form.measure_expected("baseline")


def test_point_prevalence_counts_every_reading_of_the_past_seven_days():
    """(2nd ed.) A reading of 10+ in the 7 days the report covers contradicts it; an older
    reading, or one after the report, does not count."""
    month3 = D(2026, 6, 1)
    reports = (report("month3", month3),)

    def prevalence(*readings):
        return _outcomes(smoking_reports=reports, co_readings=readings).point_prevalence["month3"]

    assert prevalence(co("session", D(2026, 5, 28), 14), co("month3", month3, 4)) == scoring.SMOKING
    assert prevalence(co("session", D(2026, 5, 24), 14), co("month3", month3, 4)) == (
        scoring.ABSTINENT_CO_VERIFIED
    )
    assert prevalence(co("month3", D(2026, 6, 2), 14)) == scoring.ABSTINENT_SELF_REPORT


def test_a_follow_up_report_dated_outside_its_window_does_not_count():
    """(2nd ed.) A record outside the window is not present: the follow-up is missed."""
    window = follow_up("month3", "missed")
    opens_on, closes_on = window.opens_on, window.closes_on
    outside = (report("month3", closes_on + dt.timedelta(days=1)),)
    assert _outcomes(smoking_reports=outside).point_prevalence["month3"] == scoring.NOT_KNOWN
    inside = (report("month3", opens_on),)
    assert _outcomes(smoking_reports=inside).point_prevalence["month3"] == (
        scoring.ABSTINENT_SELF_REPORT
    )


def test_a_record_dated_outside_its_window_is_not_present_there():
    """(2nd ed.) A day-43 report is not present at 4 weeks: completeness and the check agree."""
    outcomes = _outcomes(
        quit_date=QUIT,
        smoking_reports=(report("week4", DAY43, smoke_free=True),),
        co_readings=(co("week4", DAY42, 4),),
    )
    assert outcomes.four_week.outcome == scoring.NOT_KNOWN
    assert outcomes.measures_present["week4"] == {"co"}
    no_quit_date = _outcomes(smoking_reports=(report("week4", DAY29, smoke_free=True),))
    assert no_quit_date.measures_present["week4"] == frozenset()


def test_the_quit_attempt_of_the_3_month_criterion_is_one_reported_by_3_months():
    after = participant_outcomes(
        records(smoking_reports=(report("month6", D(2026, 9, 1), attempt=True),)), today=LATE
    )
    assert after.quit_attempt and not after.quit_attempt_by_3_months
    by = participant_outcomes(
        records(smoking_reports=(report("month3", D(2026, 6, 1), attempt=True),)), today=LATE
    )
    assert by.quit_attempt and by.quit_attempt_by_3_months


def test_the_export_measures_at_a_follow_up_are_only_those_dated_in_its_window():
    month3 = D(2026, 6, 1)
    outcomes = _outcomes(
        phq9=(score("month3", month3, 12), score("month3", D(2026, 7, 20), 3)),  # 2nd is late
    )
    assert outcomes.latest_measures["month3"]["phq9"] == 12
