"""Screening: screened, eligible and consented per site and month, and why people left."""

from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import Section, Table, site_label
from apps.dashboards.report_sections.sums import Sums
from apps.patients.models import DeclineReason, ExclusionReason


def screening_section(sums: Sums) -> Section:
    """The per-site rates, the reasons for exclusion and refusal, and the monthly chart."""
    months = _months_table(sums)
    return Section(
        tables=[_sites_table(sums), _reasons_table(sums), months],
        charts={"screening": _chart(months, sums.months)},
    )


def _rates_row(label: str, c: dict) -> list:
    eligible = c["eligible_and_declined"]
    return [
        label,
        c["screened"],
        eligible,
        c["consented"],
        metrics.eligibility_rate(eligible, c["screened"]),
        metrics.consent_rate(c["consented"], eligible),
    ]


def _sites_table(sums: Sums) -> Table:
    table = Table(
        "screening_sites",
        "Screening, eligibility and consent, per site",
        ["Site", "Screened", "Eligible", "Consented", "Eligibility rate", "Consent rate"],
        note="Screening happens before allocation, so the arm filter does not apply here.",
    )
    by_site = sums.screening.group(sums.screening_rows, "site_id")
    for s in sums.sites:
        table.rows.append(_rates_row(site_label(s), by_site.get(s["id"], sums.screening.zero())))
    table.rows.append(_rates_row("All sites shown", sums.scr))
    return table


def _reasons_table(sums: Sums) -> Table:
    scr = sums.scr
    table = Table(
        "screening_reasons",
        "Reasons for exclusion and refusal",
        ["Stage", "Reason", "People"],
    )
    for code, label in ExclusionReason.choices:
        table.rows.append(["Not eligible", label, scr[f"excl_{code}"]])
    for code, label in DeclineReason.choices:
        table.rows.append(["Eligible, declined", label, scr[f"decl_{code}"]])
    table.rows.append(
        ["Eligible, did not consent", "Withdrew before consent", scr["withdrew_before_consent"]]
    )
    table.rows.append(
        ["Eligible, did not consent", "Consent not yet recorded", scr["awaiting_consent"]]
    )
    return table


def _months_table(sums: Sums) -> Table:
    table = Table(
        "screening_months",
        "Screened, eligible and consented per month",
        ["Month", "Screened", "Eligible", "Consented"],
    )
    by_month = sums.screening.group(sums.screening_rows, "month")
    for m in sums.months:
        c = by_month.get(m, sums.screening.zero())
        table.rows.append([m, c["screened"], c["eligible_and_declined"], c["consented"]])
    return table


def _chart(table: Table, months: list[str]) -> dict:
    return {
        "type": "bar",
        "table": table.key,
        "labels": months,
        "datasets": [
            {"type": "bar", "label": "Screened", "column": 1},
            {"type": "bar", "label": "Eligible", "column": 2},
            {"type": "bar", "label": "Consented", "column": 3},
        ],
    }
