"""Workload: each PWP's minutes of cessation sessions per week at the sites shown."""

from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import Section, Table
from apps.dashboards.report_sections.sessions import practitioner_site_ids, site_codes
from apps.dashboards.report_sections.sums import Sums

# Snapshot documents from this schema on keep workload minutes per site.
WORKLOAD_BY_SITE_SCHEMA = 2


def workload_section(sums: Sums) -> Section:
    """Per PWP: available, mean and busiest weekly minutes and the share of time used."""
    weeks = sums.data["workload"]["weeks"]
    table = Table(
        "workload",
        f"PWP workload: minutes of cessation sessions per week at the sites shown"
        f" (last {len(weeks)} weeks)",
        [
            "PWP",
            "Sites",
            "Available minutes per week",
            "Mean minutes per week",
            "Busiest week (minutes)",
            "Mean share of available time",
        ],
        note="Only sessions with participants of the sites shown count; available time is the"
        " PWP's whole working week.",
    )
    practitioners = sums.data["workload"]["practitioners"]
    if sums.data.get("schema", 1) < WORKLOAD_BY_SITE_SCHEMA:
        # An older document has each PWP's minutes at all their sites together: they cannot be
        # limited to the sites shown, so the table waits for the next build.
        practitioners = []
        table.note = "Shown from the next build of the figures (within 10 minutes)."
    codes = site_codes(sums)
    session_sites = practitioner_site_ids(sums)
    for p in practitioners:
        row = _practitioner_row(p, sums, len(weeks), session_sites.get(p["id"], set()), codes)
        if row is not None:
            table.rows.append(row)
    return Section([table], {"workload": _chart(table)})


def _practitioner_row(
    p: dict, sums: Sums, n_weeks: int, session_sites: set[int], codes: dict[int, str]
) -> list | None:
    site_ids = sums.filters.site_ids
    # Sessions at sites outside the filter (or the user's sites) stay out of every figure.
    by_week = [m for site_id, m in p["minutes_by_site"] if site_id in site_ids]
    shown_sites = sorted({*p["site_ids"], *session_sites} & site_ids)
    if not shown_sites and not by_week:
        return None
    weekly = [sum(week) for week in zip(*by_week, strict=True)] or [0] * n_weeks
    mean_minutes = sum(weekly) / len(weekly) if weekly else 0
    share = metrics.workload_share(mean_minutes, p["hours_per_week"])
    return [
        p["name"],
        ", ".join(codes.get(i, "?") for i in shown_sites),
        round(p["hours_per_week"] * 60),
        round(mean_minutes, 1),
        max(weekly, default=0),
        None if share is None else f"{share:.0f}%",
    ]


def _chart(table: Table) -> dict:
    """Bullet bars, one row per PWP: available minutes as a pale track, delivered ones on it.

    A PWP is a category, not a point on a scale, so nothing joins one person to the next.
    """
    return {
        "type": "bar",
        "table": table.key,
        "labels": [row[0] for row in table.rows],
        "horizontal": True,
        "axis_title": "Minutes per week",
        "datasets": [
            {"type": "bar", "label": "Available minutes per week", "column": 2, "track": True},
            {"type": "bar", "label": "Mean minutes per week", "column": 3},
            {"type": "bar", "label": "Busiest week (minutes)", "column": 4, "colour": "#7c2855"},
        ],
    }
