"""Metric definitions against hand-computed and published worked examples."""

from datetime import date
from decimal import Decimal

import pytest

from apps.dashboards import metrics


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998) Statistics in Medicine 17:857, Table I, Wilson score method.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # By hand: p = 0.5, n = 10 -> centre 0.5, half-width 0.2634.
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(successes, n, low, high):
    lo, hi = metrics.wilson_interval(successes, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


def test_proportion_with_no_denominator_has_no_percentage():
    p = metrics.proportion(0, 0)
    assert (p.percent, p.ci_low, p.ci_high, p.known) == (None, None, None, False)


def test_proportion_is_a_percentage_with_interval():
    p = metrics.proportion(3, 5)
    assert p.percent == pytest.approx(60.0)
    assert (round(p.ci_low, 1), round(p.ci_high, 1)) == (23.1, 88.2)


def test_proportion_refuses_impossible_counts():
    with pytest.raises(ValueError, match="numerator cannot exceed"):
        metrics.proportion(6, 5)
    with pytest.raises(ValueError, match="must not be negative"):
        metrics.proportion(-1, 5)


def test_mean_estimate_by_hand():
    # values -8, 7, 1: mean 0, SD sqrt((64 + 49 + 1) / 2) = sqrt(57) = 7.550, t(2) = 4.30265
    est = metrics.mean_estimate(3, 0, 114)
    assert est.mean == 0 and round(est.sd, 3) == 7.550
    assert round(est.ci_high, 2) == round(4.30265 * 7.54983 / 3**0.5, 2) == 18.75


def test_mean_estimate_of_one_value_has_no_interval():
    est = metrics.mean_estimate(1, -8, 64)
    assert (est.mean, est.sd, est.ci_low) == (-8, None, None)


def test_mean_estimate_of_nothing_is_empty():
    assert metrics.mean_estimate(0, 0, 0).mean is None


@pytest.mark.parametrize(
    ("percent", "light"),
    [(20, "green"), (19.99, "amber"), (10, "amber"), (9.99, "red"), (0, "red"), (None, "unknown")],
)
def test_traffic_light_bands_are_inclusive_at_their_lower_edge(percent, light):
    assert metrics.traffic_light(percent, Decimal("20"), Decimal("10")) == light


def test_rates_follow_the_feasibility_definitions():
    assert metrics.eligibility_rate(8, 10).percent == pytest.approx(80)
    assert metrics.consent_rate(6, 8).percent == pytest.approx(75)
    assert metrics.retention(3, 5).percent == pytest.approx(60)
    assert metrics.adherence(3, 5).percent == pytest.approx(60)  # participants, Wilson
    assert metrics.adherence(3, 5).ci_low is not None
    assert metrics.data_completeness(9, 16).percent == pytest.approx(56.25)
    assert not metrics.eligibility_rate(0, 0).known  # zero screened


def test_expected_recruitment_rises_linearly_over_the_window():
    opens, closes = date(2025, 1, 1), date(2025, 12, 31)  # 365 days
    assert metrics.expected_recruitment(365, opens, closes, date(2024, 12, 31)) == 0
    assert metrics.expected_recruitment(365, opens, closes, date(2025, 1, 1)) == 1
    assert metrics.expected_recruitment(365, opens, closes, date(2025, 7, 2)) == 183
    assert metrics.expected_recruitment(365, opens, closes, date(2026, 3, 1)) == 365


def test_expected_recruitment_between_two_days_counts_only_that_period():
    opens, closes = date(2025, 1, 1), date(2025, 12, 31)  # 365 days, target 365: 1 a day
    assert metrics.expected_recruitment_between(365, opens, closes, None, date(2025, 1, 31)) == 31
    feb = metrics.expected_recruitment_between(
        365, opens, closes, date(2025, 2, 1), date(2025, 2, 28)
    )
    assert feb == 28
    # before opening and after closing nothing more is expected
    assert (
        metrics.expected_recruitment_between(
            365, opens, closes, date(2024, 11, 1), date(2025, 1, 10)
        )
        == 10
    )
    assert (
        metrics.expected_recruitment_between(
            365, opens, closes, date(2025, 12, 1), date(2026, 6, 30)
        )
        == 31
    )
    assert (
        metrics.expected_recruitment_between(365, opens, closes, date(2025, 3, 1), date(2025, 2, 1))
        == 0
    )


def test_target_trajectory_is_cumulative_at_each_month_end():
    opens, closes = date(2025, 1, 1), date(2025, 3, 31)  # 90 days, target 90
    trajectory = metrics.target_trajectory(
        90, opens, closes, ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]
    )
    assert trajectory == [0, 31, 59, 90, 90]


def test_recruitment_to_target_rounds_the_expected_count_up():
    p = metrics.recruitment_to_target(6, 39.3)
    assert (p.numerator, p.denominator) == (6, 40)
    assert metrics.recruitment_to_target(0, 0).percent is None


def test_recruitment_rate_per_month_open():
    rate = metrics.recruitment_rate(10, date(2025, 1, 1), date(2025, 12, 31), date(2025, 3, 1))
    # 1 January to 1 March inclusive is 60 days: 60 / 30.4375 = 1.971 months
    assert rate == pytest.approx(10 / (60 / 30.4375))
    assert metrics.recruitment_rate(0, date(2025, 1, 1), date(2025, 2, 1), date(2024, 1, 1)) is None


def test_month_keys_cross_year_ends():
    assert metrics.month_keys(date(2024, 11, 5), date(2025, 2, 1)) == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]
    assert metrics.month_keys(date(2025, 2, 1), date(2025, 1, 1)) == []
    assert metrics.month_end("2024-02") == date(2024, 2, 29)


def test_week_starts_are_the_mondays_of_complete_weeks():
    weeks = metrics.week_starts(date(2025, 3, 12), 3)  # a Wednesday
    assert weeks == [date(2025, 2, 17), date(2025, 2, 24), date(2025, 3, 3)]


def test_workload_share_of_available_hours():
    assert metrics.workload_share(90, Decimal("3")) == pytest.approx(50)
    assert metrics.workload_share(30, 0) is None


def test_cumulative_and_mean_duration():
    assert metrics.cumulative([1, 0, 2]) == [1, 1, 3]
    assert metrics.mean_duration_hours(7200, 2) == 1
    assert metrics.mean_duration_hours(0, 0) is None


def test_docs_list_the_measures_each_timepoint_expects():
    from pathlib import Path

    from apps.clinical.participant_outcomes import EXPECTED_MEASURES

    text = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()
    section = text.split("## Data completeness", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    header, *body = ([cell.strip() for cell in row.strip("|").split("|")] for row in rows)
    codes = {"PHQ-9": "phq9", "GAD-7": "gad7", "smoking status": "smoking", "CO": "co"}
    documented = {
        row[0].split(" (")[0]: tuple(
            codes[name] for name, cell in zip(header[1:], row[1:], strict=True) if cell != "-"
        )
        for row in body
    }
    labels = {
        "baseline": "baseline",
        "week4": "4 weeks",
        "month3": "3 months",
        "month6": "6 months",
    }
    assert documented == {labels[tp]: measures for tp, measures in EXPECTED_MEASURES.items()}


def test_recruitment_period_covers_the_months_shown_up_to_today():
    today = date(2025, 6, 15)
    assert metrics.recruitment_period("", "", today) == (None, today)
    assert metrics.recruitment_period("2025-02", "2025-03", today) == (
        date(2025, 2, 1),
        date(2025, 3, 31),
    )
    assert metrics.recruitment_period("2025-05", "2025-09", today) == (date(2025, 5, 1), today)


def test_measures_completeness_pools_the_measures_of_a_timepoint():
    # 4 participants expected, 4 measures each: 13 of 16 present
    value = metrics.measures_completeness([4, 3, 4, 2], 4)
    assert (value.numerator, value.denominator) == (13, 16)
    assert not metrics.measures_completeness([0, 0], 0).known
