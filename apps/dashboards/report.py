"""Turns a snapshot document into the dashboard's figures for one filter: pure, no ORM.

The snapshot holds additive counts per breakdown cell (site, arm, month, practitioner); a filter
keeps the matching cells, sums them (report_sections/sums.py) and each section in
report_sections/ passes the sums to the metric definitions in metrics.py.
"""

from dataclasses import dataclass
from datetime import date

from apps.dashboards import metrics, metrics_estimates
from apps.dashboards.metrics import Proportion
from apps.dashboards.report_sections.cells import Cells, Filters, Section, Table
from apps.dashboards.report_sections.continuous import continuous_section
from apps.dashboards.report_sections.deviations import deviations_section
from apps.dashboards.report_sections.flow import consort_flow
from apps.dashboards.report_sections.follow_up import completeness_section, retention_section
from apps.dashboards.report_sections.headline import headline
from apps.dashboards.report_sections.outcomes import outcomes_section
from apps.dashboards.report_sections.progression import (
    Criterion,
    criteria_lights,
    progression_table,
)
from apps.dashboards.report_sections.queries import queries_section
from apps.dashboards.report_sections.recruitment import recruitment_section
from apps.dashboards.report_sections.safety import safety_section
from apps.dashboards.report_sections.screening import screening_section
from apps.dashboards.report_sections.sessions import adherence_section, fidelity_section
from apps.dashboards.report_sections.smoking_heaviness import smoking_heaviness_section
from apps.dashboards.report_sections.sums import sum_cells
from apps.dashboards.report_sections.usual_care import usual_care_section
from apps.dashboards.report_sections.verification import verification_section
from apps.dashboards.report_sections.workload import workload_section

__all__ = ["Cells", "Filters", "Report", "build_report", "report_to_dict"]

# The page's sections in the order it shows them (and the API lists their tables).
SECTIONS = (
    recruitment_section,
    screening_section,
    retention_section,
    adherence_section,
    fidelity_section,
    usual_care_section,
    completeness_section,
    outcomes_section,
    continuous_section,
    smoking_heaviness_section,
    safety_section,
    deviations_section,
    queries_section,
    verification_section,
    workload_section,
)


# (2nd ed.) Estimates shown as objects of their fields.
ESTIMATES = (metrics_estimates.Spread, metrics_estimates.Summary, metrics_estimates.Difference)


@dataclass
class Report:
    """Every figure of the dashboard for one filter: what the page, the API and CSVs show."""

    as_of: date
    randomised_pilot: bool
    filters: Filters
    arms: list[str]
    headline: dict
    tables: dict[str, Table]
    charts: dict[str, dict]
    consort: dict
    criteria: list[Criterion]


def build_report(data: dict, filters: Filters, criteria: list[dict]) -> Report:
    """Every dashboard figure for one filter, from a snapshot document and the thresholds."""
    sums = sum_cells(data, filters)
    sections = [section(sums) for section in SECTIONS]
    lights = criteria_lights(sums, criteria)
    sections.append(Section([progression_table(lights)]))
    return Report(
        as_of=sums.as_of,
        randomised_pilot=sums.randomised_pilot,
        filters=filters,
        arms=sums.arms,
        headline=headline(sums),
        tables={t.key: t for s in sections for t in s.tables},
        charts={k: chart for s in sections for k, chart in s.charts.items()},
        consort=consort_flow(sums),
        criteria=lights,
    )


def _plain(value):
    """A figure as JSON-ready values (proportions and means become objects)."""
    if isinstance(value, Proportion):
        return {
            "numerator": value.numerator,
            "denominator": value.denominator,
            "percent": value.percent,
            "ci_low": value.ci_low,
            "ci_high": value.ci_high,
        }
    if isinstance(value, metrics.MeanEstimate):
        return {
            "n": value.n,
            "mean": value.mean,
            "sd": value.sd,
            "ci_low": value.ci_low,
            "ci_high": value.ci_high,
        }
    if isinstance(value, ESTIMATES):
        return {f: getattr(value, f) for f in value.__slots__}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_to_dict(report: Report) -> dict:
    """The whole report as plain JSON-ready data (for the API)."""
    return {
        "as_of": report.as_of.isoformat(),
        "randomised_pilot": report.randomised_pilot,
        "filters": {
            "site_ids": sorted(report.filters.site_ids),
            "arm": report.filters.arm,
            "month_from": report.filters.month_from,
            "month_to": report.filters.month_to,
        },
        "arms": report.arms,
        "headline": _plain(report.headline),
        "criteria": [
            {
                "key": c.key,
                "label": c.label,
                "light": c.light,
                "value": _plain(c.value),
                "green_from": c.green_from,
                "amber_from": c.amber_from,
                "explanation": c.explanation,
                "interim_note": c.interim_note,
            }
            for c in report.criteria
        ],
        "tables": {
            key: {"title": t.title, "columns": t.columns, "rows": _plain(t.rows), "note": t.note}
            for key, t in report.tables.items()
        },
        "consort": _plain(report.consort),
    }
