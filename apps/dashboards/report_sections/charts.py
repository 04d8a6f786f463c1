"""Chart descriptions shared by sections: which table columns a chart draws, and how."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards.report_sections.cells import Table


def proportion_chart(table: Table, series: list[str], first_column: int = 1) -> dict:
    """Bars of percentages, one series per arm (or "All"), one group per table row."""
    return {
        "type": "bar",
        "table": table.key,
        "labels": [row[0] for row in table.rows],
        "datasets": [
            {
                "type": "bar",
                "label": ARM_HEADINGS.get(a, "All"),
                "column": first_column + i,
                "percent": True,
            }
            for i, a in enumerate(series)
        ],
        "percent": True,
    }
