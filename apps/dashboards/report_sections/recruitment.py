"""Recruitment: randomised (enrolled) against target per site, per month and per site-month."""

from datetime import date

from apps.dashboards import metrics
from apps.dashboards.report_sections import forecast
from apps.dashboards.report_sections.cells import Section, Table, site_label
from apps.dashboards.report_sections.sums import Sums


def expected_label(sums: Sums) -> str:
    """What the expected count is called: by now, or in the months the filter shows."""
    if sums.filters.month_from or sums.filters.month_to:
        return "Expected in the months shown"
    return "Expected by now"


def recruitment(sums: Sums) -> metrics.Proportion:
    """Randomised in the sites and months shown against the target expected over them."""
    return metrics.recruitment_to_target(sums.part["randomised"], sum(sums.expected_now.values()))


def recruitment_section(sums: Sums) -> Section:
    """The per-site table, the monthly table with its chart (and forecast), the site-by-month
    matrix and the forecast per site."""
    months = _months_table(sums)
    return Section(
        tables=[
            _sites_table(sums),
            months,
            _site_months_table(sums),
            forecast.forecast_table(sums),
        ],
        charts={"recruitment": _chart(months, sums)},
    )


def _sites_table(sums: Sums) -> Table:
    word, expected = sums.enrolled_word, expected_label(sums)
    table = Table(
        "recruitment_sites",
        f"{word} against target, per site",
        [
            "Site",
            "Target",
            expected,
            word,
            f"Against {expected[0].lower()}{expected[1:]}",
            "Against full target",
            f"{word} per month open",
        ],
    )
    by_site = sums.participants.counter_by(sums.participant_rows, "site_id", "randomised")
    for s in sums.sites:
        n = by_site.get(s["id"], 0)
        rate = metrics.recruitment_rate(
            n, date.fromisoformat(s["opens_on"]), date.fromisoformat(s["closes_on"]), sums.as_of
        )
        table.rows.append(
            [
                site_label(s),
                s["target"],
                round(sums.expected_now[s["id"]], 1),
                n,
                metrics.recruitment_to_target(n, sums.expected_now[s["id"]]),
                metrics.ratio_percent(n, s["target"]),
                None if rate is None else round(rate, 2),
            ]
        )
    return table


def _months_table(sums: Sums) -> Table:
    future = forecast.chart_months(sums)
    months = sums.months + future
    # The cumulative line counts from the start, whatever the range shown.
    unbounded = sums.participant_rows_all_months
    monthly_all = sums.participants.counter_by(unbounded, "month", "randomised")
    all_months = sorted(set(monthly_all) | set(sums.months))
    in_month = [monthly_all.get(m, 0) for m in all_months]
    cumulative_all = dict(zip(all_months, metrics.cumulative(in_month), strict=True))
    table = Table(
        "recruitment_months",
        f"{sums.enrolled_word} per month, cumulative, and the target trajectory",
        [
            "Month",
            sums.enrolled_word,
            "Cumulative",
            "Target trajectory (cumulative)",
            *(forecast.FORECAST_COLUMNS if future else []),
        ],
    )
    projected = forecast.forecast_columns(sums, months) if future else [[] for _ in months]
    for m, target_m, ahead in zip(months, _trajectory(sums, months), projected, strict=True):
        past = m not in future
        table.rows.append(
            [
                m,
                monthly_all.get(m, 0) if past else None,
                int(cumulative_all.get(m, 0)) if past else None,
                round(target_m, 1),
                *ahead,
            ]
        )
    return table


def _trajectory(sums: Sums, months: list[str]) -> list[float]:
    trajectory = [0.0] * len(months)
    for s in sums.sites:
        site_trajectory = metrics.target_trajectory(
            s["target"],
            date.fromisoformat(s["opens_on"]),
            date.fromisoformat(s["closes_on"]),
            months,
        )
        trajectory = [a + b for a, b in zip(trajectory, site_trajectory, strict=True)]
    return trajectory


def _chart(table: Table, sums: Sums) -> dict:
    datasets = [
        {"type": "bar", "label": f"{sums.enrolled_word} in month", "column": 1},
        {"type": "line", "label": "Cumulative", "column": 2},
        {"type": "line", "label": "Target trajectory", "column": 3, "dashed": True},
    ]
    if len(table.columns) > 4:
        datasets += [
            {"type": "line", "label": "Forecast at the rate so far", "column": 4, "dashed": True},
            {"type": "line", "label": "Forecast 80% interval, low", "column": 5, "dotted": True},
            {"type": "line", "label": "Forecast 80% interval, high", "column": 6, "dotted": True},
        ]
    return {
        "type": "bar",
        "table": table.key,
        "labels": [row[0] for row in table.rows],
        "datasets": datasets,
    }


def _site_months_table(sums: Sums) -> Table:
    table = Table(
        "recruitment_site_months",
        f"{sums.enrolled_word} per site per month",
        ["Site", *sums.months],
    )
    site_i = sums.participants.key_index["site_id"]
    month_i = sums.participants.key_index["month"]
    first_counter = sums.participants.nkeys  # randomised
    by_site_month: dict[tuple, int] = {}
    for row in sums.participant_rows:
        key = (row[site_i], row[month_i])
        by_site_month[key] = by_site_month.get(key, 0) + row[first_counter]
    for s in sums.sites:
        table.rows.append([s["code"], *(by_site_month.get((s["id"], m), 0) for m in sums.months)])
    return table
