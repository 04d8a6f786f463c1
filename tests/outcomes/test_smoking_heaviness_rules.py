"""Smoking at follow-up: cigarettes per day and HSI of those still smoking (pure rules)."""

import datetime as dt

import pytest

from apps.clinical import schedule
from apps.clinical.participant_outcomes import participant_outcomes
from apps.clinical.smoking_heaviness import heaviness_errors, smoking_heaviness
from apps.dashboards import metrics_estimates as estimates
from tests.outcomes import records as r

M3 = schedule.month_window(r.RANDOMISED_ON, 3)
M6 = schedule.month_window(r.RANDOMISED_ON, 6)


def test_baseline_and_a_smoker_at_3_months_give_both_measures():
    # Baseline: 25 a day, first within 5 minutes -> HSI 3 + 2 = 5 (clinical-rules.md's example).
    month3 = r.report("month3", M3.opens_on, smoked=True, cigs=70, per_day=10, minutes=45)
    result = smoking_heaviness(r.baseline(), {"month3": month3, "month6": None})
    assert result["cpd"] == {"baseline": 25, "month3": 10, "month6": None}
    # 45 minutes -> 1; 10 a day -> 0.
    assert result["hsi"] == {"baseline": 5, "month3": 1, "month6": None}


@pytest.mark.parametrize(
    ("report", "cpd", "hsi"),
    [
        (r.report("month6", M6.opens_on, stopped_on=M6.opens_on), None, None),  # not smoking
        (r.report("month6", M6.opens_on, smoked=True, cigs=3), None, None),  # left blank
        (r.report("month6", M6.opens_on, smoked=True, cigs=3, per_day=31), 31, None),
        (r.report("month6", M6.opens_on, smoked=True, cigs=3, per_day=31, minutes=5), 31, 6),
    ],
)
def test_a_follow_up_counts_only_what_a_smoker_answered(report, cpd, hsi):
    result = smoking_heaviness(None, {"month3": None, "month6": report})
    assert (result["cpd"]["month6"], result["hsi"]["month6"]) == (cpd, hsi)
    assert result["cpd"]["baseline"] is None


def test_participant_outcomes_take_the_report_that_decides_the_follow_up():
    early = r.report("month3", M3.opens_on - dt.timedelta(days=1), smoked=True, cigs=9, per_day=2)
    inside = r.report("month3", M3.closes_on, smoked=True, cigs=80, per_day=12, minutes=20)
    o = participant_outcomes(
        r.records(baseline=r.baseline(), smoking_reports=(early, inside)),
        today=M6.closes_on,
    )
    assert o.fixed_scores["cpd"]["month3"] == 12  # the report dated outside the window is not it
    assert o.fixed_scores["hsi"]["month3"] == 3  # 6-30 minutes -> 2; 11-20 a day -> 1


@pytest.mark.parametrize(
    ("timepoint", "smoked", "per_day", "minutes", "fields"),
    [
        ("month3", True, 12, 20, []),
        ("month6", True, None, None, []),
        ("month3", True, 0, 0, []),
        ("week4", True, 12, None, ["cigarettes_per_day"]),
        ("baseline", True, None, 30, ["minutes_to_first_cigarette"]),
        ("month6", False, 12, 20, ["cigarettes_per_day", "minutes_to_first_cigarette"]),
        ("month3", True, 101, 1441, ["cigarettes_per_day", "minutes_to_first_cigarette"]),
        ("month3", True, -1, None, ["cigarettes_per_day"]),
    ],
)
def test_the_answers_are_checked_by_one_rule(timepoint, smoked, per_day, minutes, fields):
    errors = heaviness_errors(timepoint, smoked, per_day, minutes)
    assert [e.field for e in errors] == fields
    for error in errors:
        assert error.message.split()[0] in {"Cigarettes", "Minutes", "Leave"}


def test_the_mean_change_is_the_mean_and_sd_of_the_differences():
    pairs = [(20, 10), (25, 25), (10, 4)]  # (baseline, follow-up)
    sums = estimates.PairSums(
        n=len(pairs),
        b=sum(b for b, _ in pairs),
        y=sum(y for _, y in pairs),
        bb=sum(b * b for b, _ in pairs),
        by=sum(b * y for b, y in pairs),
        yy=sum(y * y for _, y in pairs),
    )
    change = estimates.mean_change(sums)
    differences = [y - b for b, y in pairs]  # -10, 0, -6
    mean = sum(differences) / 3
    sd = (sum((d - mean) ** 2 for d in differences) / 2) ** 0.5
    assert (change.n, change.mean, change.sd) == (3, pytest.approx(mean), pytest.approx(sd))
    assert estimates.mean_change(estimates.PairSums(0, 0, 0, 0, 0, 0)).mean is None
