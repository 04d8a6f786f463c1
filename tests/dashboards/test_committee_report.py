"""The steering committee report: pooled open version, closed by arm, the PDF and HTML drawn."""

import json
import re
from datetime import UTC, datetime

import pytest

from apps.core.roles import ALL_SITES_ROLES, EXPORT_ROLES
from apps.dashboards.committee_render import render_html, render_pdf
from apps.dashboards.committee_report import (
    ARM_SPECIFIC_CRITERIA,
    PARTS,
    committee_report,
    pooled_document,
)
from apps.dashboards.report import Filters, build_report
from apps.dashboards.report_sections.cells import Table
from apps.dashboards.report_versions import ReportVersion
from apps.dashboards.svg_chart import _nice_top, chart_svg
from tests.dashboards.report_golden import CRITERIA, DOCUMENTS
from tests.pdf import pdf_text

BUILT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
ARM_WORDS = ("Intervention", "Control")


@pytest.fixture(scope="module")
def demo() -> dict:
    return json.loads(DOCUMENTS.read_text())["demo"]


def _report(doc: dict, version: str):
    return committee_report(doc, CRITERIA, ReportVersion(version), built_at=BUILT)


def _everyone(doc: dict):
    return build_report(doc, Filters(frozenset(s["id"] for s in doc["sites"])), CRITERIA)


def _tables(report) -> dict:
    return {t.key: t for part in report.parts for t in part.tables}


def test_pooling_relabels_every_arm_cell_and_keeps_cells_of_no_arm(demo):
    pooled = pooled_document(demo)
    assert pooled["pooled"] is True and "pooled" not in demo  # the document is not changed
    for name in ("participants", "sessions", "safety", "adverse_events", "deviations"):
        arm = demo[name]["columns"].index("arm")
        before = [row[arm] for row in demo[name]["rows"]]
        after = [row[arm] for row in pooled[name]["rows"]]
        assert after == ["pooled" if a else a for a in before]
        # Every counter is as it was: only the arm's label changes.
        assert [r[arm + 1 :] for r in pooled[name]["rows"]] == [
            list(r[arm + 1 :]) for r in demo[name]["rows"]
        ]


def test_pooled_figures_are_the_metrics_on_both_arms_counted_together(demo):
    by_arm, pooled = _everyone(demo), _everyone(pooled_document(demo))
    assert pooled.arms == ["pooled"] and pooled.headline == by_arm.headline
    randomised = {row[0]: row[1] for row in by_arm.tables["attendance"].rows}
    assert pooled.tables["attendance"].rows[0][:2] == ["Both arms", sum(randomised.values())]
    # Retention: the pooled column is the "All shown" column of the report by arm.
    assert [row[1] for row in pooled.tables["retention"].rows] == [
        row[-1] for row in by_arm.tables["retention"].rows
    ]
    events = {row[0]: row[1:] for row in by_arm.tables["adverse_events"].rows}
    for row in pooled.tables["adverse_events"].rows:
        if all(isinstance(v, int) for v in events[row[0]]):
            assert row[1] == sum(events[row[0]]), row[0]


def test_the_open_report_shows_nothing_by_arm(demo):
    report = _report(demo, "open")
    tables = _tables(report)
    for table in tables.values():
        # An arm's column is headed by its name ("Intervention", "Control: lost"); a deviation
        # category ("Intervention delivery") is not an arm.
        assert not [c for c in table.columns if c.split(":")[0] in ARM_WORDS], table.key
        assert not any(str(row[0]) in ARM_WORDS for row in table.rows), table.key
    assert {"outcomes", "mood_timepoints", "adherence"}.isdisjoint(tables)
    assert "Outcomes" not in [p.heading for p in report.parts]
    consort = report.parts[0].figure_svg
    assert "Both arms, pooled (n=135)" in consort and "Allocated to" not in consort


def test_the_open_report_names_arm_criteria_without_their_value(demo):
    open_lights = {c.key: c for c in _report(demo, "open").criteria}
    closed_lights = {c.key: c for c in _report(demo, "closed").criteria}
    for key in ARM_SPECIFIC_CRITERIA:
        assert (open_lights[key].light, open_lights[key].value) == ("unknown", None)
        assert "closed report" in open_lights[key].explanation
        assert closed_lights[key].value is not None
    for key in set(open_lights) - ARM_SPECIFIC_CRITERIA:
        assert (open_lights[key].light, open_lights[key].value) == (
            closed_lights[key].light,
            closed_lights[key].value,
        )


def test_the_closed_report_is_the_dashboard_by_arm(demo):
    report, dashboard = _report(demo, "closed"), _everyone(demo)
    assert [c.light for c in report.criteria] == [c.light for c in dashboard.criteria]
    tables = _tables(report)
    for part in PARTS:
        for key in part.tables:
            assert tables[key] == dashboard.tables[key]
    assert tables["outcomes"].columns == ["Outcome", "Intervention", "Control"]
    assert "Allocated to intervention" in report.parts[0].figure_svg


def test_the_report_carries_the_pilot_date_and_lock(demo):
    report = committee_report(
        demo, CRITERIA, ReportVersion.OPEN, built_at=BUILT, data_lock="Pilot locked (final)"
    )
    assert (report.as_of.isoformat(), report.data_lock) == (demo["as_of"], "Pilot locked (final)")
    assert "Pilot locked (final)" in render_html(report)


@pytest.mark.parametrize("version", ["open", "closed"])
def test_the_pdf_has_every_section_of_its_version(demo, version):
    report = _report(demo, version)
    body = render_pdf(report)
    assert body.startswith(b"%PDF-")
    text = pdf_text(body)
    for heading in ("steering committee report", "Summary", "Progression criteria",
                    "Participant flow", "Recruitment against target", "Retention",
                    "Data completeness", "Adherence and fidelity", "Safety",
                    "Protocol deviations", "Open data queries"):  # fmt: skip
        assert heading in text, heading
    assert ("Outcomes by arm" in text) is (version == "closed")
    assert "Recruitment forecast" in text
    assert body.count(b"/Subtype /Image") == 2  # the CONSORT diagram and the recruitment chart


@pytest.mark.parametrize("version", ["open", "closed"])
def test_the_html_is_one_file_with_its_figures_inline(demo, version):
    html = render_html(_report(demo, version))
    headings = re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", html)
    assert headings[:3] == ["Summary", "Progression criteria", "Participant flow (CONSORT)"]
    assert ("Outcomes" in headings) is (version == "closed")
    assert html.count("<svg") == 2 and "<script" not in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched from elsewhere
    assert 'lang="en-GB"' in html and "<caption>" in html


def test_names_in_the_report_are_escaped(demo):
    doc = dict(demo, pilot_name="<script>alert(1)</script> & Co")
    report = _report(doc, "open")
    assert "<script>" not in render_html(report)
    assert "&lt;script&gt;" in render_html(report)
    text = pdf_text(render_pdf(report))
    assert "script" in text and "& Co" in text


def test_a_chart_draws_bars_lines_and_escapes_its_labels():
    table = Table("t", "T", ["Month", "New", "Total"], [["2026-01", 2, 2], ["<b>", 3, 5]])
    chart = {
        "datasets": [
            {"type": "bar", "label": "New", "column": 1},
            {"type": "line", "label": "Total & more", "column": 2, "dashed": True},
        ]
    }
    svg = chart_svg(table, chart, title="A <chart>")
    assert svg.count("<rect") == 2 + 1 + 2  # background, two bars, two legend keys
    assert svg.count("<polyline") == 1 and 'stroke-dasharray="6 4"' in svg
    assert "&lt;b&gt;" in svg and "Total &amp; more" in svg and "A &lt;chart&gt;" in svg


def test_a_line_breaks_where_its_values_are_missing():
    rows = [["a", 1], ["b", None], ["c", 2], ["d", 3]]
    chart = {"datasets": [{"type": "line", "label": "L", "column": 1}]}
    svg = chart_svg(Table("t", "T", ["M", "L"], rows), chart, title="t")
    assert svg.count("<polyline") == 1  # "a" alone draws nothing; "c"-"d" is one line


@pytest.mark.parametrize(
    ("peak", "top"), [(0, 1), (0.4, 0.5), (1, 1), (1.2, 2), (3, 5), (7, 10), (135, 200)]
)
def test_the_y_axis_top_is_a_round_number_at_or_above_the_peak(peak, top):
    assert _nice_top(peak) == pytest.approx(top)


def test_only_roles_that_see_every_site_export_the_report_of_every_site():
    assert EXPORT_ROLES <= ALL_SITES_ROLES


def test_a_single_arm_pilot_s_open_report_is_not_pooled():
    doc = json.loads(DOCUMENTS.read_text())["demo"]
    single = dict(doc, randomised=False)
    single["participants"] = {
        "columns": doc["participants"]["columns"],
        "rows": [[r[0], "single", *r[2:]] for r in doc["participants"]["rows"]],
    }
    report = _report(single, "open")
    consort = report.parts[0].figure_svg
    assert "pooled" not in consort and "Enrolled (n=" in consort
