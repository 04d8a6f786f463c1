"""The delegation and training log as the CSV and PDF a sponsor files."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.delegation import rules
from apps.delegation.models import Delegation, TrainingRecord

DUTY_COLUMNS = ["site", "staff_member", "email", "role", "duty", "delegated_from",
                "delegated_until", "authorised_by", "authorised_at", "ended_by"]  # fmt: skip
TRAINING_COLUMNS = ["staff_member", "email", "role", "training", "completed_on", "expires_on",
                    "state", "certificate_reference", "recorded_by", "recorded_at"]  # fmt: skip


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _moment(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC"


def duty_rows(delegations: list[Delegation]) -> list[list[str]]:
    """One row per delegated duty, in DUTY_COLUMNS order."""
    return [
        [
            d.site.code,
            str(d.user),
            d.user.email,
            d.user.get_role_display(),
            d.get_duty_display(),
            _day(d.starts_on),
            _day(d.ends_on) or "open",
            str(d.authorised_by),
            _moment(d.authorised_at),
            str(d.ended_by or ""),
        ]  # fmt: skip
        for d in delegations
    ]


def training_rows(records: list[TrainingRecord], today: date) -> list[list[str]]:
    """One row per training record, in TRAINING_COLUMNS order, with its state on `today`."""
    return [
        [
            str(r.user),
            r.user.email,
            r.user.get_role_display(),
            r.get_kind_display(),
            _day(r.completed_on),
            _day(r.expires_on),
            rules.certificate_state(r.expires_on, today).value,
            r.certificate_reference,
            str(r.recorded_by),
            _moment(r.created_at),
        ]  # fmt: skip
        for r in records
    ]


def as_csv(columns: list[str], rows: list[list[str]]) -> str:
    """The rows as CSV text with a header."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class LogDocument:
    """What the PDF shows: the pilot, as of when, and the two tables."""

    title: str
    as_of: datetime
    duties: list[list[str]]
    training: list[list[str]]


def _table(columns: list[str], rows: list[list[str]], style) -> Table:
    header = [Paragraph(f"<b>{c.replace('_', ' ').capitalize()}</b>", style) for c in columns]
    body = [[Paragraph(cell or "-", style) for cell in row] for row in rows]
    table = Table([header, *body], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def as_pdf(document: LogDocument) -> bytes:
    """The log as an A4 landscape PDF: both tables, the date it was made on each page."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    out = io.BytesIO()
    stamp = f"{document.title}: made {_moment(document.as_of)}"

    def footer(canvas, doc) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 8 * mm, f"{stamp} - page {doc.page}")

    pdf = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=15 * mm, bottomMargin=15 * mm, title=document.title, author="QuitPilot",
    )  # fmt: skip
    story = [
        Paragraph(document.title, styles["Title"]),
        Paragraph(f"As of {_moment(document.as_of)}", styles["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph("Delegated duties", styles["Heading2"]),
        _table(DUTY_COLUMNS, document.duties, small),
        Spacer(1, 6 * mm),
        Paragraph("Training records", styles["Heading2"]),
        _table(TRAINING_COLUMNS, document.training, small),
    ]
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
