"""The steering committee's report: which dashboard figures it holds, open (pooled) or closed.

Pure: a snapshot document and the progression thresholds in, a CommitteeReport out (the
renderers in committee_render.py draw it as HTML or PDF). Every figure is the dashboard's own
(build_report); the open version is built from the same document with both arms counted as one
(pooled_document), so a pooled figure is the metric on the pooled counts, never a sum of
percentages.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from apps.clinical.participant_records import POOLED_ARMS
from apps.dashboards import metrics
from apps.dashboards.consort import consort_svg
from apps.dashboards.report import Filters, build_report
from apps.dashboards.report_sections.cells import Table
from apps.dashboards.report_sections.progression import Criterion
from apps.dashboards.report_versions import ReportVersion
from apps.dashboards.svg_chart import chart_svg

VERSION_TITLES = {
    ReportVersion.OPEN: "Open report: both arms pooled",
    ReportVersion.CLOSED: "Closed report: figures by arm, for the data monitoring committee only",
}
VERSION_NOTES = {
    ReportVersion.OPEN: (
        "Every figure counts both arms together. Figures by arm, the outcomes and the "
        "intervention arm's own measures are in the closed report."
    ),
    ReportVersion.CLOSED: (
        "Confidential: this report shows figures by arm. Do not share it beyond the data "
        "monitoring committee and the trial statistician."
    ),
}
# Criteria judged on one arm's figures: the open report names them without their value.
ARM_SPECIFIC_CRITERIA = frozenset({"quit_attempt"})
IN_CLOSED_REPORT = "Judged on the intervention arm: its value is in the closed report."


@dataclass(frozen=True)
class Part:
    """One part of the report: a heading, the dashboard tables under it, and its figure."""

    heading: str
    tables: tuple[str, ...]
    figure: str = ""
    closed_only: tuple[str, ...] = ()


# Every figure of the outcomes compares the arms: the closed report's alone.
OUTCOME_TABLES = (
    "outcomes",
    "mood_timepoints",
    "mood_differences",
    "smoking_heaviness",
    "smoking_heaviness_change",
)
PARTS = (
    Part("Participant flow (CONSORT)", (), figure="consort"),
    Part(
        "Recruitment against target",
        ("recruitment_sites", "recruitment_forecast"),
        figure="recruitment",
    ),
    Part("Screening and consent", ("screening_sites", "screening_reasons")),
    Part("Retention", ("retention", "withdrawals")),
    Part("Data completeness", ("completeness",)),
    Part(
        "Adherence and fidelity",
        ("adherence", "attendance", "fidelity_types", "fidelity_sites", "usual_care"),
        # Adherence is measured in the intervention arm only: one arm's figure.
        closed_only=("adherence",),
    ),
    Part("Outcomes", OUTCOME_TABLES, closed_only=OUTCOME_TABLES),
    Part("Safety", ("safety", "adverse_events")),
    Part("Protocol deviations", ("deviations", "deviations_sites")),
    Part("Open data queries", ("queries",)),
)


@dataclass(frozen=True)
class ReportPart:
    """A part as the report shows it: its tables and, where it has one, its figure as SVG."""

    heading: str
    tables: list[Table]
    figure_svg: str = ""
    figure_title: str = ""


@dataclass(frozen=True)
class CommitteeReport:
    """Everything the rendered report says, in order."""

    version: ReportVersion
    title: str
    pilot_name: str
    as_of: date
    built_at: datetime
    data_lock: str
    note: str
    headline: dict
    criteria: list[Criterion]
    parts: list[ReportPart]


def pooled_document(doc: dict) -> dict:
    """The document with both arms counted as one: every arm cell becomes the pooled arm.

    Cells of no arm (a deviation before randomisation) keep theirs; the counts are additive, so
    the sections' sums over the relabelled cells are the pooled counts.
    """
    pooled = dict(doc, pooled=True)
    for name, value in doc.items():
        if isinstance(value, dict) and "arm" in value.get("columns", ()):
            index = value["columns"].index("arm")
            pooled[name] = {
                "columns": value["columns"],
                "rows": [_pool_row(row, index) for row in value["rows"]],
            }
    return pooled


def _pool_row(row, index: int) -> list:
    row = list(row)
    if row[index]:
        row[index] = POOLED_ARMS
    return row


def committee_report(
    doc: dict,
    criteria: list[dict],
    version: ReportVersion,
    *,
    built_at: datetime,
    data_lock: str = "",
) -> CommitteeReport:
    """The report of the whole pilot (every site) from a snapshot document and the thresholds."""
    version = ReportVersion(version)
    # A single-arm pilot has no arms to pool: its one arm is already everyone.
    pooled = version == ReportVersion.OPEN and doc.get("randomised", True)
    source = pooled_document(doc) if pooled else doc
    report = build_report(source, Filters(frozenset(s["id"] for s in doc["sites"])), criteria)
    lights = report.criteria
    if version == ReportVersion.OPEN:
        lights = [_masked(c) if c.key in ARM_SPECIFIC_CRITERIA else c for c in lights]
    parts = [_part(p, report, version) for p in PARTS]
    return CommitteeReport(
        version=version,
        title=VERSION_TITLES[version],
        pilot_name=doc.get("pilot_name", ""),
        as_of=report.as_of,
        built_at=built_at,
        data_lock=data_lock,
        note=VERSION_NOTES[version],
        headline=report.headline,
        criteria=lights,
        parts=[p for p in parts if p.tables or p.figure_svg],
    )


def _masked(criterion: Criterion) -> Criterion:
    return replace(
        criterion, light=metrics.UNKNOWN, value=None, explanation=IN_CLOSED_REPORT, interim_note=""
    )


def _part(part: Part, report, version: ReportVersion) -> ReportPart:
    names = [
        name
        for name in part.tables
        if version == ReportVersion.CLOSED or name not in part.closed_only
    ]
    tables = [report.tables[name] for name in names if name in report.tables]
    svg, title = "", ""
    if part.figure == "consort":
        svg, title = consort_svg(report.consort), "CONSORT flow diagram"
    elif part.figure == "recruitment":
        chart = report.charts["recruitment"]
        title = report.tables[chart["table"]].title
        svg = chart_svg(report.tables[chart["table"]], chart, title=title)
    return ReportPart(part.heading, tables, svg, title)
