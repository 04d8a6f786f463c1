"""(2nd ed.) Exits in the outcomes: deaths and untraceable moves leave the abstinence
denominators, and an interim count shows an early exit under its reason at every later
timepoint, never as not yet due."""

import datetime as dt

import pytest

from apps.clinical.choices import ExitReason
from apps.clinical.participant_outcomes import (
    COMPLETED,
    DIED,
    LOST,
    MISSED,
    NOT_YET_DUE,
    UNTRACEABLE,
    WITHDRAWN,
    participant_outcomes,
)
from tests.outcomes.records import follow_up, records, report

D = dt.date
MONTH2 = D(2026, 4, 20)  # randomised 1 March
INTERIM = D(2026, 5, 1)  # before the 3-month window opens


def _statuses(outcomes):
    return [outcomes.timepoints[tp].status for tp in ("month3", "month6")]


def test_worked_example_a_death_in_month_2_leaves_both_abstinence_denominators():
    outcomes = participant_outcomes(
        records(status="withdrawn", exit_on=MONTH2, exit_reason=ExitReason.DIED),
        today=D(2027, 1, 1),
    )
    assert _statuses(outcomes) == [DIED, DIED]
    assert outcomes.counts_at("month3")  # still randomised: retention counts them
    assert not outcomes.in_abstinence_denominator("month3")
    assert not outcomes.in_abstinence_denominator("month6")
    assert not outcomes.measure_expected("month3")


def test_an_untraceable_move_is_left_out_but_other_losses_count_as_smoking():
    moved = participant_outcomes(
        records(status="lost", exit_on=MONTH2, exit_reason=ExitReason.MOVED_UNTRACEABLE),
        today=D(2027, 1, 1),
    )
    assert _statuses(moved) == [UNTRACEABLE, UNTRACEABLE]
    assert not moved.in_abstinence_denominator("month6")
    uncontactable = participant_outcomes(
        records(status="lost", exit_on=MONTH2, exit_reason=ExitReason.UNCONTACTABLE),
        today=D(2027, 1, 1),
    )
    assert _statuses(uncontactable) == [LOST, LOST]
    assert uncontactable.in_abstinence_denominator("month6")
    assert uncontactable.point_prevalence["month6"] == "not_known"


def test_a_follow_up_done_before_a_death_still_counts_there():
    month3 = follow_up("month3", "completed")
    outcomes = participant_outcomes(
        records(
            status="withdrawn",
            exit_on=D(2026, 8, 1),
            exit_reason=ExitReason.DIED,
            follow_ups=(month3,),
            smoking_reports=(report("month3", month3.due_on),),
        ),
        today=D(2027, 1, 1),
    )
    assert _statuses(outcomes) == [COMPLETED, DIED]
    assert outcomes.in_abstinence_denominator("month3")


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        ("withdrawn", ExitReason.PARTICIPANT_CHOICE, WITHDRAWN),
        ("withdrawn", ExitReason.DIED, DIED),
        ("lost", ExitReason.UNCONTACTABLE, LOST),
        ("lost", ExitReason.MOVED_UNTRACEABLE, UNTRACEABLE),
    ],
)
def test_interim_an_exit_in_month_1_is_counted_under_its_reason_not_as_not_yet_due(
    status, reason, expected
):
    outcomes = participant_outcomes(
        records(status=status, exit_on=D(2026, 3, 20), exit_reason=reason), today=INTERIM
    )
    assert _statuses(outcomes) == [expected, expected]
    assert outcomes.counts_at("month3") and outcomes.counts_at("month6")


def test_interim_someone_still_in_the_study_is_not_yet_due():
    assert _statuses(participant_outcomes(records(), today=INTERIM)) == [NOT_YET_DUE] * 2


def test_an_exit_after_a_window_closed_leaves_that_timepoint_missed():
    month3 = follow_up("month3", "scheduled")
    later = month3.closes_on + dt.timedelta(days=1)
    outcomes = participant_outcomes(
        records(
            status="withdrawn",
            exit_on=later,
            exit_reason=ExitReason.DIED,
            follow_ups=(month3,),
        ),
        today=D(2027, 1, 1),
    )
    assert _statuses(outcomes) == [MISSED, DIED]
    assert outcomes.in_abstinence_denominator("month3")
