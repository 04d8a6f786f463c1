"""(2nd ed.) The reference quit date, and RS6 and point prevalence defined for both arms."""

import datetime as dt

from apps.clinical import scoring
from apps.clinical.abstinence import reference_quit_date
from apps.clinical.participant_outcomes import participant_outcomes
from tests.outcomes.records import co, records, report

D = dt.date
MONTH3 = D(2026, 6, 1)  # randomised 1 March
MONTH6 = D(2026, 9, 1)
LATE = D(2027, 1, 1)


def _control(**overrides):
    return participant_outcomes(records(arm="control", **overrides), today=LATE)


def test_worked_example_a_control_participant_abstinent_at_3_and_6_months():
    outcomes = _control(
        smoking_reports=(
            report("month3", MONTH3, stopped_on=D(2026, 3, 20)),
            report("month6", MONTH6, stopped_on=D(2026, 3, 20), since14=2),
        ),
        co_readings=(co("month3", MONTH3, 5), co("month6", MONTH6, 6)),
    )
    assert outcomes.point_prevalence["month3"] == scoring.ABSTINENT_CO_VERIFIED
    assert outcomes.reference_quit_date == D(2026, 3, 20)
    assert outcomes.rs6


def test_the_session_quit_date_wins_over_a_reported_stop_date():
    reports = (report("month6", MONTH6, stopped_on=D(2026, 3, 20)),)
    assert reference_quit_date(D(2026, 3, 5), reports) == D(2026, 3, 5)


def test_the_earliest_stop_date_reported_at_3_or_6_months_counts():
    reports = (
        report("week4", D(2026, 3, 30), stopped_on=D(2026, 3, 2)),  # not a stop-date follow-up
        report("month6", MONTH6, stopped_on=D(2026, 7, 1)),
        report("month3", MONTH3, stopped_on=D(2026, 4, 10)),
    )
    assert reference_quit_date(None, reports) == D(2026, 4, 10)
    assert reference_quit_date(None, ()) is None


def test_without_a_reference_date_rs6_counts_as_smoking():
    outcomes = _control(
        smoking_reports=(report("month6", MONTH6, since14=0),),
        co_readings=(co("month6", MONTH6, 3),),
    )
    assert outcomes.reference_quit_date is None and not outcomes.rs6


def test_rs6_counts_cigarettes_from_14_days_after_the_reference_date():
    reports = (report("month6", MONTH6, stopped_on=D(2026, 3, 20), since14=6),)
    assert not _control(smoking_reports=reports, co_readings=(co("month6", MONTH6, 6),)).rs6


def test_a_reading_of_10_or_more_after_day_14_of_the_stop_date_contradicts_rs6():
    outcomes = _control(
        smoking_reports=(report("month6", MONTH6, stopped_on=D(2026, 3, 20), since14=0),),
        co_readings=(co("month6", D(2026, 8, 20), 12), co("month6", MONTH6, 4)),
    )
    assert not outcomes.rs6


def test_a_stop_date_less_than_14_days_before_the_report_is_not_sustained():
    outcomes = _control(
        smoking_reports=(report("month6", MONTH6, stopped_on=D(2026, 8, 25), since14=0),),
        co_readings=(co("month6", MONTH6, 3),),
    )
    assert not outcomes.rs6
