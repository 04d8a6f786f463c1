"""Data queries per site: waiting, overdue, closed, and the median days to close one."""

from apps.conduct.query_rules import OVERDUE_AFTER_DAYS
from apps.dashboards import metrics_estimates
from apps.dashboards.query_counts import RESOLVE_DAYS_CAP
from apps.dashboards.report_sections.cells import Cells, Section, Table, filter_cells, site_label
from apps.dashboards.report_sections.sums import Sums

NO_QUERIES = {"columns": ["site_id"], "rows": []}


def queries_section(sums: Sums) -> Section:
    """One row per site shown, and the sites together (queries have no arm or month filter)."""
    cells = Cells(sums.data.get("queries", NO_QUERIES), ["site_id"])
    rows = filter_cells(cells, sums.filters, month=False)
    grouped = cells.group(rows, "site_id")
    table = Table(
        "queries",
        "Data queries per site",
        ["Site", "Open (waiting for the site)", "Answered (waiting to be closed)",
         f"Overdue (over {OVERDUE_AFTER_DAYS} days)", "Closed", "Days to close: median (IQR)"],
        note=(
            f"Overdue: open or answered for more than {OVERDUE_AFTER_DAYS} days. Days to close "
            f"count from raising to closing; {RESOLVE_DAYS_CAP} stands for that many or more."
        ),
    )  # fmt: skip
    for site in sums.sites:
        table.rows.append([site_label(site), *_figures(grouped.get(site["id"], {}))])
    table.rows.append(["All sites shown", *_figures(cells.total(rows))])
    return Section([table])


def _figures(counts: dict) -> list:
    days = [counts.get(f"resolve_d{d}", 0) for d in range(RESOLVE_DAYS_CAP + 1)]
    return [
        counts.get("open", 0),
        counts.get("answered", 0),
        counts.get("overdue", 0),
        counts.get("closed", 0),
        metrics_estimates.spread(days),
    ]
