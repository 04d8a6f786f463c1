"""Safety: PHQ-9 item 9 alerts, adverse events by arm, withdrawals and losses by reason."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import (
    Cells,
    Section,
    Table,
    filter_cells,
    round_or_none,
)
from apps.dashboards.report_sections.sums import Sums
from apps.patients.models import ExitReason
from apps.safety.models import Relatedness, Seriousness

NO_ADVERSE_EVENTS = {"columns": ["site_id", "arm"], "rows": []}


def alert_totals(sums: Sums) -> dict[str, int]:
    """The safety-alert counters of the sites, arm and months shown."""
    return sums.alerts


def safety_section(sums: Sums) -> Section:
    """Alerts and their acknowledgement, adverse events, withdrawals and losses."""
    return Section([_alerts_table(sums), _adverse_event_table(sums), _withdrawals_table(sums)])


def _alerts_table(sums: Sums) -> Table:
    sa, part = alert_totals(sums), sums.part
    table = Table(
        "safety",
        "Safety alerts (PHQ-9 item 9) and withdrawals",
        ["Measure", "Value"],
    )
    table.rows += [
        ["Alerts raised", sa["raised"]],
        ["Alerts acknowledged", sa["acknowledged"]],
        ["Alerts still open", sa["open"]],
        [
            "Mean time to acknowledge (hours)",
            round_or_none(metrics.mean_duration_hours(sa["ack_seconds"], sa["acknowledged"]), 1),
        ],
        ["Acknowledged within 1 hour", metrics.proportion(sa["ack_within_1h"], sa["acknowledged"])],
        [
            "Acknowledged within 24 hours",
            metrics.proportion(sa["ack_within_24h"], sa["acknowledged"]),
        ],
        ["Participants withdrawn", metrics.proportion(part["withdrawn"], part["randomised"])],
        ["Participants lost to follow-up", metrics.proportion(part["lost"], part["randomised"])],
    ]
    return table


def _adverse_event_table(sums: Sums) -> Table:
    """Adverse events by arm: events, participants with one (of those randomised), serious
    events by ICH E2A criterion and every event by relatedness to the cessation treatment.

    Events of any onset date, so the denominator is everyone randomised, whatever the month
    filter (a month filter would leave more participants with an event than randomised)."""
    cells = Cells(sums.data.get("adverse_events", NO_ADVERSE_EVENTS), ["site_id", "arm"])
    grouped = cells.group(filter_cells(cells, sums.filters), "arm")
    randomised = sums.participants.counter_by(sums.participant_rows_all_months, "arm", "randomised")
    table = Table(
        "adverse_events",
        "Adverse events by arm (all onset dates)",
        ["Measure", *[ARM_HEADINGS[a] for a in sums.arms]],
    )

    def row(label: str, counter: str, of_randomised: bool = False) -> None:
        values = []
        for arm in sums.arms:
            count = grouped.get(arm, {}).get(counter, 0)
            if of_randomised:
                values.append(metrics.proportion(count, randomised.get(arm, 0)))
            else:
                values.append(count)
        table.rows.append([label, *values])

    row("Adverse events", "events")
    row("Participants with at least one adverse event", "participants_any", of_randomised=True)
    row("Serious adverse events", "serious_events")
    row(
        "Participants with at least one serious adverse event",
        "participants_serious",
        of_randomised=True,
    )
    for code, label in Seriousness.choices:
        row(f"Serious: {label.lower()}", f"criterion_{code}")
    for code, label in Relatedness.choices:
        row(f"Related to treatment: {label.lower()}", f"related_{code}")
    return table


def _withdrawals_table(sums: Sums) -> Table:
    arms = sums.arms
    table = Table(
        "withdrawals",
        "Withdrawals and losses by reason",
        [
            "Reason",
            *[f"{ARM_HEADINGS[a]}: withdrawn" for a in arms],
            *[f"{ARM_HEADINGS[a]}: lost" for a in arms],
        ],
    )
    for code, label in ExitReason.choices:
        table.rows.append(
            [
                label,
                *[sums.arm_count(a, f"withdrawn_{code}") for a in arms],
                *[sums.arm_count(a, f"lost_{code}") for a in arms],
            ]
        )
    return table
