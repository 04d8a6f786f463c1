"""The recruitment forecast: its model against closed forms and simulation, and its statuses."""

import json
from datetime import date

import numpy as np
import pytest

from apps.dashboards import forecast
from apps.dashboards.forecast import SiteRecruitment
from apps.dashboards.metrics import months_open
from apps.dashboards.report import Filters, build_report
from tests.dashboards.report_golden import CRITERIA, DOCUMENTS

OPENS, CLOSES = date(2026, 1, 1), date(2027, 12, 31)
AS_OF = date(2026, 12, 1)


def _site(recruited: int, target: int = 40, opens=OPENS, closes=CLOSES) -> SiteRecruitment:
    return SiteRecruitment(target=target, opens_on=opens, closes_on=closes, recruited=recruited)


def test_one_more_recruit_follows_the_lomax_closed_form():
    # With R = 1 the wait is exponential given the rate, so P(T > t) = (b / (b + t)) ** a.
    a, b = 4.5, 11.0
    for q in (0.1, 0.5, 0.9):
        lomax = b * ((1 - q) ** (-1 / a) - 1)
        assert forecast.time_to_target_quantile(1, a, b, q) == pytest.approx(lomax, rel=1e-9)


def test_time_to_target_matches_a_simulation_of_the_model():
    rng = np.random.default_rng(20261201)
    a, b, remaining = 12.5, 10.0, 7
    rates = rng.gamma(a, 1 / b, size=200_000)
    waits = rng.gamma(remaining, 1 / rates)
    for q in (0.1, 0.9):
        simulated = float(np.quantile(waits, q))
        assert forecast.time_to_target_quantile(remaining, a, b, q) == pytest.approx(
            simulated, rel=0.02
        )


def test_the_count_curves_cross_the_target_at_the_time_quantiles():
    a, b, recruited, remaining = 20.5, 8.0, 20, 10
    for q in (0.1, 0.9):
        months = forecast.time_to_target_quantile(remaining, a, b, q)
        # The count's (1 - q) quantile a little after that time has reached the target.
        after = forecast.predicted_cumulative(recruited, a, b, months * 1.05, 1 - q)
        before = forecast.predicted_cumulative(recruited, a, b, months * 0.95, 1 - q)
        assert before < recruited + remaining <= after


def test_one_site_forecast_uses_its_rate_so_far():
    site = _site(recruited=22)
    result = forecast.forecast_site(site, AS_OF)
    exposure = months_open(OPENS, CLOSES, AS_OF)
    assert result.status == forecast.FORECAST
    assert result.rate_per_month == pytest.approx(22 / exposure)
    central = 18 / (22 / exposure)
    assert result.reached_on == forecast.add_months(AS_OF, central)
    assert result.interval_from < result.reached_on < result.interval_to
    assert forecast.combined_rate([site], AS_OF)[:2] == pytest.approx((22.5, exposure))
    months_left = (CLOSES - AS_OF).days / forecast.DAYS_PER_MONTH
    assert result.needed_per_month == pytest.approx(18 / months_left)


def test_two_sites_add_their_rates_and_narrow_the_interval():
    one = forecast.forecast_site(_site(recruited=10, target=30), AS_OF)
    both = forecast.forecast_overall([_site(10, 30), _site(10, 30)], AS_OF)
    assert both.rate_per_month == pytest.approx(2 * one.rate_per_month)
    assert both.reached_on == one.reached_on  # twice the need at twice the rate
    assert (both.interval_to - both.interval_from) < (one.interval_to - one.interval_from)


def test_a_closed_site_adds_nothing_to_the_rate():
    closed = _site(recruited=30, target=30, closes=date(2026, 6, 30))
    still_open = _site(recruited=10, target=30)
    together = forecast.forecast_overall([closed, still_open], AS_OF)
    alone = forecast.forecast_site(still_open, AS_OF)
    assert together.rate_per_month == pytest.approx(alone.rate_per_month)
    assert together.reached_on == alone.reached_on


@pytest.mark.parametrize(
    ("site", "status"),
    [
        (_site(recruited=40), forecast.REACHED),
        (_site(recruited=0, opens=date(2027, 1, 1)), forecast.NOT_OPEN),
        (_site(recruited=0), forecast.NONE_YET),
        (_site(recruited=5, closes=date(2026, 11, 30)), forecast.CLOSED_SHORT),
        (_site(recruited=1, target=400), forecast.BEYOND_HORIZON),
    ],
)
def test_no_date_when_there_is_nothing_to_forecast(site, status):
    result = forecast.forecast_site(site, AS_OF)
    assert result.status == status
    assert result.reached_on is result.interval_from is result.interval_to is None
    assert result.text == forecast.STATUS_TEXT[status]


def test_rate_needed_counts_from_today_to_the_window_close():
    assert forecast.needed_per_month(0, AS_OF, CLOSES) == 0.0
    assert forecast.needed_per_month(5, AS_OF, AS_OF) is None
    assert forecast.needed_per_month(10, date(2027, 1, 1), date(2027, 7, 1)) == pytest.approx(
        10 / (181 / forecast.DAYS_PER_MONTH)
    )


def test_bad_model_inputs_are_refused():
    with pytest.raises(ValueError):
        forecast.time_to_target_quantile(3, 0, 1, 0.5)
    with pytest.raises(ValueError):
        forecast.forecast_overall([], AS_OF)


# The dashboard: the forecast table and its lines on the recruitment chart.


def _pilot_document(targets: int) -> dict:
    doc = json.loads(DOCUMENTS.read_text())["pilot"]
    for site in doc["sites"]:
        site["target"] = targets
    return doc


def _report(doc: dict, arm: str = ""):
    ids = frozenset(s["id"] for s in doc["sites"])
    return build_report(doc, Filters(ids, arm, "", ""), CRITERIA)


def test_the_chart_runs_on_to_the_interval_end_with_the_forecast():
    doc = _pilot_document(targets=5)  # BRS has 5 of 5; LDS 1 of 5: 4 to go
    report = _report(doc)
    rows = report.tables["recruitment_forecast"].rows
    assert [row[4] for row in rows] == [
        forecast.STATUS_TEXT[forecast.REACHED],
        forecast.STATUS_TEXT[forecast.FORECAST],
        forecast.STATUS_TEXT[forecast.FORECAST],
    ]
    overall = rows[-1]
    months = report.tables["recruitment_months"]
    assert months.columns[4:] == [
        "Forecast cumulative (rate so far)",
        "Forecast 10th centile",
        "Forecast 90th centile",
    ]
    future = [row for row in months.rows if row[1] is None]
    assert future and future[-1][0] <= overall[7][:7]
    assert all(row[2] is None and row[4] is not None for row in future)
    assert future[-1][6] >= 10  # the 90th centile has met the target by the interval's end
    labels = [d["label"] for d in report.charts["recruitment"]["datasets"]]
    assert "Forecast at the rate so far" in labels
    assert report.charts["recruitment"]["labels"] == [row[0] for row in months.rows]


def test_an_arm_filter_keeps_the_forecast_table_but_not_its_chart_lines():
    report = _report(_pilot_document(targets=5), arm="control")
    assert report.tables["recruitment_forecast"].rows[-1][2] == 6  # both arms count
    assert len(report.tables["recruitment_months"].columns) == 4
    assert len(report.charts["recruitment"]["datasets"]) == 3
