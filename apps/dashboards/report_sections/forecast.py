"""The recruitment forecast's table (per site and overall) and its lines on the recruitment chart.

The forecast counts everyone randomised at the sites shown, in both arms and every month: a
target is for the whole site, so the arm and month filters do not narrow it.
"""

from datetime import date

from apps.dashboards import forecast, metrics
from apps.dashboards.report_sections.cells import Filters, Table, filter_cells, site_label
from apps.dashboards.report_sections.sums import Sums

OVERALL = "All sites shown"
# The chart runs on past today until the interval's far end, but never more than this.
CHART_MONTHS_AHEAD = 36
FORECAST_COLUMNS = [
    "Forecast cumulative (rate so far)",
    "Forecast 10th centile",
    "Forecast 90th centile",
]


def site_recruitment(sums: Sums) -> list[tuple[dict, forecast.SiteRecruitment]]:
    """Each site shown with its target, window and everyone randomised there so far."""
    rows = filter_cells(sums.participants, Filters(site_ids=sums.filters.site_ids), month=False)
    by_site = sums.participants.counter_by(rows, "site_id", "randomised")
    return [
        (
            s,
            forecast.SiteRecruitment(
                target=s["target"],
                opens_on=date.fromisoformat(s["opens_on"]),
                closes_on=date.fromisoformat(s["closes_on"]),
                recruited=by_site.get(s["id"], 0),
            ),
        )
        for s in sums.sites
    ]


def overall_forecast(sums: Sums) -> forecast.Forecast | None:
    """The forecast for all the sites shown together (None when no site is shown)."""
    sites = [site for _, site in site_recruitment(sums)]
    return forecast.forecast_overall(sites, sums.as_of) if sites else None


def forecast_table(sums: Sums) -> Table:
    """One row per site and one for all the sites shown: the date, its interval, the rate needed."""
    table = Table(
        "recruitment_forecast",
        "Recruitment forecast: when the target is reached at the rate so far",
        [
            "Site",
            "Target",
            sums.enrolled_word,
            "Per month so far",
            "Forecast",
            "Target reached on",
            "80% interval from",
            "80% interval to",
            "Needed per month to meet the target by the window's close",
            "Window closes",
        ],
        note=(
            "Recruitment is modelled as a Poisson process at each site's rate so far; the "
            "interval allows for the rate's uncertainty and for chance. Both arms and every "
            "month count, whatever the filter. Sites not yet open, or closed, add nothing to "
            "the rate."
        ),
    )
    for s, site in site_recruitment(sums):
        table.rows.append(_row(site_label(s), forecast.forecast_site(site, sums.as_of)))
    overall = overall_forecast(sums)
    if overall is not None:
        table.rows.append(_row(OVERALL, overall))
    return table


def chart_months(sums: Sums) -> list[str]:
    """The months after today the chart runs on to: to the interval's far end, 3 years at most,
    and never past the last month the filter shows.

    None when an arm is chosen: the forecast is for both arms and would not meet that line.
    """
    this_month = sums.as_of.isoformat()[:7]
    if sums.filters.arm:
        return []
    overall = overall_forecast(sums)
    if overall is None or overall.reached_on is None:
        return []
    end = overall.interval_to or overall.reached_on
    last = _months_after(sums.as_of, CHART_MONTHS_AHEAD)
    if sums.filters.month_to:
        last = min(last, sums.filters.month_to)
    end = min(end, metrics.month_end(last))
    return [m for m in metrics.month_keys(sums.as_of, end) if m > this_month]


def forecast_columns(sums: Sums, months: list[str]) -> list[list]:
    """Three chart columns per month: the forecast line and its 80% band (blank before now)."""
    blank = [[None, None, None] for _ in months]
    this_month = sums.as_of.isoformat()[:7]
    if not chart_months(sums):
        return blank
    sites = [site for _, site in site_recruitment(sums)]
    shape, rate, point = forecast.combined_rate(sites, sums.as_of)
    recruited = sum(site.recruited for site in sites)
    columns = []
    for m in months:
        if m < this_month:
            columns.append([None, None, None])
            continue
        ahead = max(0.0, (metrics.month_end(m) - sums.as_of).days / forecast.DAYS_PER_MONTH)
        columns.append(
            [
                round(recruited + point * ahead, 1),
                forecast.predicted_cumulative(recruited, shape, rate, ahead, 0.10),
                forecast.predicted_cumulative(recruited, shape, rate, ahead, 0.90),
            ]
        )
    return columns


def _months_after(day: date, months: int) -> str:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return f"{year:04d}-{month + 1:02d}"


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _row(label: str, result: forecast.Forecast) -> list:
    return [
        label,
        result.target,
        result.recruited,
        _rate(result.rate_per_month),
        result.text,
        _iso(result.reached_on),
        _iso(result.interval_from),
        _iso(result.interval_to),
        _rate(result.needed_per_month),
        result.closes_on.isoformat(),
    ]


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
