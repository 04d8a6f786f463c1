"""The steering committee report drawn as a standalone HTML page or an A4 PDF.

Both show the same CommitteeReport (committee_report.py) with every figure formatted as the
dashboard formats it (format_cell). The HTML carries its styles and SVG figures inline, so the
file opens offline; the PDF (reportlab) draws the same SVGs as PNG through CairoSVG.
"""

import io
from html import escape

from django.template.loader import render_to_string
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from apps.dashboards.committee_report import CommitteeReport
from apps.dashboards.consort import consort_png
from apps.dashboards.report_sections.cells import Table as ReportTable
from apps.dashboards.templatetags.dashboards import LIGHT_LABELS, format_cell

PAGE = landscape(A4)
MARGIN = 14 * mm
# Pale tints under black text: readable in print and on screen (the light is also in words).
LIGHT_COLOURS = {"green": "#cce5d8", "amber": "#ffe9b3", "red": "#f7d4d1", "unknown": "#e8edee"}


def render_html(report: CommitteeReport) -> str:
    """The report as one HTML file: styles and figures inline, no script, no external asset."""
    # The figures' SVG is built by consort.py and svg_chart.py, which escape every string.
    return render_to_string("dashboards/committee_report.html", {"report": report})


def render_pdf(report: CommitteeReport) -> bytes:
    """The report as an A4 landscape PDF: every part under its heading, a footer on each page."""
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    out = io.BytesIO()
    stamp = f"{report.pilot_name}: {report.title}. Data as of {report.as_of:%d %B %Y}"

    def footer(canvas, doc) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.drawString(MARGIN, 7 * mm, f"{stamp} - page {doc.page}")

    pdf = SimpleDocTemplate(
        out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"{report.pilot_name}: steering committee report",
        author="QuitPilot",
    )  # fmt: skip
    story = _opening(report, styles) + _progression(report, styles, cell)
    for part in report.parts:
        heading = Paragraph(_text(part.heading), styles["Heading2"])
        if part.figure_svg:
            # A heading never ends a page without its figure under it.
            figure = _figure(part.figure_svg)
            story.append(KeepTogether([heading, figure]))
            story.append(Paragraph(_text(part.figure_title), cell))
        else:
            story.append(heading)
        for table in part.tables:
            story += _table(table, styles, cell)
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _text(value) -> str:
    """A figure as Paragraph markup: formatted, then escaped (Paragraph reads tags)."""
    return escape(format_cell(value), quote=False)


def _opening(report: CommitteeReport, styles) -> list:
    h = report.headline
    lock = (
        f"Database lock: {report.data_lock}."
        if report.data_lock
        else "The database was not locked: figures may change as data are entered."
    )
    lines = [
        f"{h['enrolled_word']}: {_text(h['randomised'])} of a target of {_text(h['target'])} "
        f"({_text(h['expected_label'])}: {_text(h['expected_now'])}).",
        f"Screened {_text(h['screened'])}; eligible {_text(h['eligible'])}; consented "
        f"{_text(h['consented'])}. Consent rate {_text(h['consent_rate'])}.",
        f"3-month follow-up completed: {_text(h['completion_3m'])}. Safety alerts still open: "
        f"{_text(h['alerts_open'])}.",
    ]
    return [
        Paragraph(_text(f"{report.pilot_name}: steering committee report"), styles["Title"]),
        Paragraph(f"<b>{_text(report.title)}</b>", styles["Normal"]),
        Paragraph(
            f"Data as of {report.as_of:%d %B %Y}; built {report.built_at:%d %B %Y %H:%M} UTC. "
            + _text(lock),
            styles["Normal"],
        ),
        Spacer(1, 3 * mm),
        Paragraph(_text(report.note), styles["Italic"]),
        Paragraph("Summary", styles["Heading2"]),
        *[Paragraph(line, styles["BodyText"]) for line in lines],
    ]


def _progression(report: CommitteeReport, styles, cell) -> list:
    header = ["Criterion", "Light", "Value", "Green from", "Amber from", "How it is measured"]
    rows = [
        [
            c.label,
            LIGHT_LABELS.get(c.light, c.light),
            c.value,
            f"{c.green_from:g}%",
            f"{c.amber_from:g}%",
            " ".join(filter(None, [c.explanation, c.interim_note])),
        ]
        for c in report.criteria
    ]
    table = _grid(header, rows, cell, widths=[0.14, 0.1, 0.22, 0.08, 0.08, 0.38])
    for i, c in enumerate(report.criteria, start=1):
        colour = colors.HexColor(LIGHT_COLOURS.get(c.light, LIGHT_COLOURS["unknown"]))
        table.setStyle(TableStyle([("BACKGROUND", (1, i), (1, i), colour)]))
    return [Paragraph("Progression criteria", styles["Heading2"]), table]


def _table(table: ReportTable, styles, cell) -> list:
    title = Paragraph(_text(table.title), styles["Heading4"])
    grid = _grid(table.columns, table.rows or [["Nothing to show yet."]], cell)
    flowables = [KeepTogether([title, grid])]  # a title never ends a page alone
    if table.note:
        flowables.append(Paragraph(_text(table.note), cell))
    return flowables + [Spacer(1, 2 * mm)]


def _grid(columns: list[str], rows: list[list], cell, widths: list[float] | None = None) -> Table:
    width = PAGE[0] - 2 * MARGIN
    header = [Paragraph(f"<b>{_text(c)}</b>", cell) for c in columns]
    body = [[Paragraph(_text(value), cell) for value in row] for row in rows]
    spans = [("SPAN", (0, i), (-1, i)) for i, row in enumerate(rows, 1) if len(row) < len(columns)]
    grid = Table(
        [header, *[row + [""] * (len(columns) - len(row)) for row in body]],
        repeatRows=1,
        colWidths=[width * w for w in widths] if widths else None,
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *spans,
            ]
        )
    )
    return grid


def _figure(svg: str) -> Image:
    png = consort_png(svg, scale=2.0)
    w, h = ImageReader(io.BytesIO(png)).getSize()
    # At most the page's height less room for its heading; never wider than its own size
    # (a chart is drawn at 2x, so half its pixels is its natural width).
    room_w, room_h = min(PAGE[0] - 2 * MARGIN, w / 2), PAGE[1] - 2 * MARGIN - 30 * mm
    scale = min(room_w / w, room_h / h)
    return Image(io.BytesIO(png), width=w * scale, height=h * scale)
