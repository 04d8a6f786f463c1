"""Protocol deviations by arm and by site, with their category and seriousness."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.conduct.models import DeviationCategory
from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import (
    Cells,
    Section,
    Table,
    filter_cells,
    site_label,
)
from apps.dashboards.report_sections.sums import Sums

NO_DEVIATIONS = {"columns": ["site_id", "arm"], "rows": []}
BEFORE_RANDOMISATION = "none"
_COUNTS = [
    ("Deviations", "deviations"),
    ("Major", "major"),
    ("Raised by the platform's checks", "automatic"),
    *[(label, f"category_{code}") for code, label in DeviationCategory.choices],
]


def deviations_section(sums: Sums) -> Section:
    """The deviation log counted by arm and by site (all dates: no month filter applies)."""
    cells = Cells(sums.data.get("deviations", NO_DEVIATIONS), ["site_id", "arm"])
    rows = filter_cells(cells, sums.filters, month=False)
    return Section([_by_arm(sums, cells, rows), _by_site(sums, cells, rows)])


def _by_arm(sums: Sums, cells: Cells, rows) -> Table:
    grouped = cells.group(rows, "arm")
    randomised = sums.participants.counter_by(sums.participant_rows_all_months, "arm", "randomised")
    columns = list(sums.arms)
    if not sums.filters.arm:
        columns.append(BEFORE_RANDOMISATION)
    headings = [ARM_HEADINGS.get(a, "Before randomisation") for a in columns]
    table = Table(
        "deviations",
        "Protocol deviations by arm (all dates)",
        ["Measure", *headings],
        note=(
            "Deviations before randomisation (eligibility, consent) have no arm. A control "
            "participant's cessation session is always a contamination deviation."
        ),
    )
    for label, counter in _COUNTS:
        table.rows.append([label, *[grouped.get(a, {}).get(counter, 0) for a in columns]])
    table.rows.append(
        [
            "Participants with at least one deviation",
            *[
                grouped.get(a, {}).get("participants_any", 0)
                if a == BEFORE_RANDOMISATION
                else metrics.proportion(
                    grouped.get(a, {}).get("participants_any", 0), randomised.get(a, 0)
                )
                for a in columns
            ],
        ]
    )
    return table


def _by_site(sums: Sums, cells: Cells, rows) -> Table:
    grouped = cells.group(rows, "site_id")
    table = Table(
        "deviations_sites",
        "Protocol deviations per site (all dates)",
        ["Site", *[label for label, _ in _COUNTS]],
    )
    for site in sums.sites:
        counts = grouped.get(site["id"], {})
        table.rows.append([site_label(site), *[counts.get(c, 0) for _, c in _COUNTS]])
    return table
