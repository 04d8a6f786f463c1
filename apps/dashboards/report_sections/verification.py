"""Source data verification per site and per area: how much of the monitoring plan is done."""

from apps.clinical import source_verification as sdv_rules
from apps.dashboards.report_sections.cells import (
    Cells,
    Section,
    Table,
    filter_cells,
    round_or_none,
    site_label,
)
from apps.dashboards.report_sections.sums import Sums

NO_VERIFICATION = {"columns": ["site_id", "area"], "rows": []}
COLUMNS = ["Areas due", "Verified", "Verified (%)", "Changed since verified", "Not verified yet"]
NOTE = (
    "An area (consent, eligibility, the 3-month follow-up...) is due once it holds a record, and "
    "verified when every record in it was checked against the source after its last change; a "
    "correction sends it back. Counted over every participant, whatever their arm or month."
)


def verification_section(sums: Sums) -> Section:
    """Verification progress by site and, over the sites shown, by area."""
    cells = Cells(sums.data.get("verification", NO_VERIFICATION), ["site_id", "area"])
    rows = filter_cells(cells, sums.filters, month=False)
    by_site = cells.group(rows, "site_id")
    sites = Table(
        "verification", "Source data verification per site", ["Site", *COLUMNS], note=NOTE
    )
    for site in sums.sites:
        sites.rows.append([site_label(site), *_figures(by_site.get(site["id"], {}))])
    sites.rows.append(["All sites shown", *_figures(cells.total(rows))])
    by_area = cells.group(rows, "area")
    areas = Table("verification_areas", "Source data verification per area", ["Area", *COLUMNS])
    for area in sdv_rules.Area:
        if area.value in by_area:
            areas.rows.append([sdv_rules.AREA_LABELS[area], *_figures(by_area[area.value])])
    return Section([sites, areas])


def _figures(counts: dict) -> list:
    counted = sdv_rules.Progress(
        due=counts.get("due", 0),
        verified=counts.get("verified", 0),
        changed=counts.get("changed", 0),
    )
    share = None if counted.share is None else 100 * counted.share
    not_yet = counted.due - counted.verified - counted.changed
    return [counted.due, counted.verified, round_or_none(share, 1), counted.changed, not_yet]
