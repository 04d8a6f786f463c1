"""The CONSORT flow diagram for pilot trials (Eldridge 2016), drawn as SVG from live counts.

Pure: a flow dict (report_sections/flow.py) in, SVG text out. Every string is XML-escaped here.
"""

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape

from apps.clinical.participant_records import POOLED_ARMS

FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
FONT_SIZE = 13
LINE = 17
PAD = 10
CHARS_PER_PX = 1 / 6.6  # average glyph width at 13px
WIDTH_ONE_ARM = 760
ARM_WIDTH = 330
GAP = 20
STAGE_COLOUR = "#005eb8"


@dataclass
class Box:
    x: float
    y: float
    w: float
    lines: list[tuple[str, bool]]  # (text, bold)

    @property
    def h(self) -> float:
        return 2 * PAD + LINE * len(self.lines)


def _wrap(text: str, width: float, bold: bool = False, indent: str = "") -> list[tuple[str, bool]]:
    chars = max(10, int((width - 2 * PAD) * CHARS_PER_PX) - len(indent))
    wrapped = textwrap.wrap(text, chars) or [""]
    return [
        (indent + part if i == 0 else indent + "  " + part, bold) for i, part in enumerate(wrapped)
    ]


def _lines(width: float, items: list) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for item in items:
        if isinstance(item, tuple):
            text, bold = item
            out += _wrap(text, width, bold=bold)
        else:
            out += _wrap(item, width)
    return out


def _reasons(reasons, indent: str = "    ") -> list[str]:
    return [f"{indent}- {label} (n={n})" for label, n in reasons]


def _timepoint_items(tp: dict) -> list:
    items = [
        (f"Followed up at {tp['label']} (n={tp['followed_up']})", True),
        f"Lost to follow-up (n={tp['lost']})",
        *_reasons(tp["lost_reasons"]),
        f"Withdrew (n={tp['withdrew']})",
        *_reasons(tp["withdrew_reasons"]),
    ]
    if tp.get("died"):
        items.append(f"Died (n={tp['died']})")
    if tp.get("untraceable"):
        items.append(f"Moved, cannot be traced (n={tp['untraceable']})")
    if tp["pending"]:
        items.append(f"Not yet due (n={tp['pending']})")
    if tp.get("no_quit_date"):
        items.append(f"No quit date set, check not applicable (n={tp['no_quit_date']})")
    return items


def consort_svg(flow: dict, title: str = "CONSORT flow diagram") -> str:
    """The CONSORT pilot-trial flow diagram for the given counts, as an SVG document."""
    arms = flow["arms"]
    columns = max(1, len(arms))
    width = max(WIDTH_ONE_ARM, columns * ARM_WIDTH + (columns + 1) * GAP)
    main_w = 300
    side_w = width - main_w - 3 * GAP
    centre = GAP + main_w / 2
    boxes: list[Box] = []
    arrows: list[tuple[float, float, float, float]] = []
    y = 40.0

    assessed = Box(
        GAP, y, main_w, _lines(main_w, [(f"Assessed for eligibility (n={flow['assessed']})", True)])
    )
    boxes.append(assessed)
    excluded_items = [
        (f"Excluded (n={flow['excluded']})", True),
        f"Not meeting inclusion criteria (n={flow['not_eligible']})",
        *_reasons(flow["not_eligible_reasons"]),
        f"Declined to participate (n={flow['declined']})",
        *_reasons(flow["declined_reasons"]),
        f"Other reasons (n={flow['other_not_randomised']})",
        *_reasons(flow["other_reasons"]),
    ]
    excluded = Box(
        2 * GAP + main_w, y + assessed.h + GAP / 2, side_w, _lines(side_w, excluded_items)
    )
    boxes.append(excluded)
    stage = "Randomised" if flow["randomised_pilot"] else "Enrolled"
    y = excluded.y + excluded.h + GAP
    randomised = Box(GAP, y, main_w, _lines(main_w, [(f"{stage} (n={flow['randomised']})", True)]))
    boxes.append(randomised)
    arrows.append((centre, assessed.y + assessed.h, centre, randomised.y))
    branch_y = excluded.y + excluded.h / 2
    arrows.append((centre, branch_y, excluded.x, branch_y))

    y = randomised.y + randomised.h + 2 * GAP
    col_w = (width - (columns + 1) * GAP) / columns
    stages = (
        ["Allocation"]
        + [f"Follow-up: {tp['label']}" for tp in (arms[0]["timepoints"] if arms else [])]
        + ["Analysis"]
    )
    stage_rows: list[list[Box]] = []
    for arm in arms:
        alloc_items = [(_allocated(arm, flow["randomised_pilot"]), True)]
        if arm["key"] == POOLED_ARMS:
            pass  # the open report says nothing of what either arm received
        elif arm["key"] == "control":
            alloc_items += [
                f"Usual care with signposting (n={arm['received']})",
                f"Contamination: sessions received (n={arm['contaminated']})",
            ]
        else:
            alloc_items += [
                f"Received the intervention: 1+ session attended (n={arm['received']})",
                f"Did not receive it (n={arm['not_received']})",
                *_reasons(arm["not_received_reasons"]),
            ]
        rows = [alloc_items] + [_timepoint_items(tp) for tp in arm["timepoints"]]
        rows.append(
            [
                (f"Analysed at 3 months (n={arm['analysed']})", True),
                f"No 3-month data (n={arm['not_analysed']})",
            ]
        )
        stage_rows.append([Box(0, 0, col_w, _lines(col_w, items)) for items in rows])
    labels: list[tuple[float, str]] = []
    for level in range(len(stages)):
        level_boxes = [column[level] for column in stage_rows if level < len(column)]
        height = max((b.h for b in level_boxes), default=0)
        labels.append((y, stages[level]))
        y += LINE + 4
        for i, box in enumerate(level_boxes):
            box.x = GAP + i * (col_w + GAP)
            box.y = y
            boxes.append(box)
            if level == 0:
                mid = box.x + col_w / 2
                arrows.append((centre, randomised.y + randomised.h, mid, box.y))
            else:
                previous = stage_rows[i][level - 1]
                mid = box.x + col_w / 2
                arrows.append((mid, previous.y + previous.h, mid, box.y))
        y += height + GAP
    height = y + GAP
    return _render(title, width, height, boxes, arrows, labels)


def _render(title, width, height, boxes, arrows, labels) -> str:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="consort-title" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f'<title id="consort-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#212b32"/></marker></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{GAP}" y="24" font-size="16" font-weight="bold" fill="#212b32">'
        f"{escape(title)}</text>",
    ]
    for y, label in labels:
        out.append(
            f'<text x="{GAP}" y="{y + LINE - 4:.0f}" font-weight="bold" fill="{STAGE_COLOUR}">'
            f"{escape(label)}</text>"
        )
    for x1, y1, x2, y2 in arrows:
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#212b32" '
            'stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    for box in boxes:
        out.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
            'fill="#ffffff" stroke="#212b32" stroke-width="1.2"/>'
        )
        for i, (text, bold) in enumerate(box.lines):
            weight = ' font-weight="bold"' if bold else ""
            out.append(
                f'<text x="{box.x + PAD:.1f}" y="{box.y + PAD + LINE * (i + 1) - 4:.1f}" '
                f'fill="#212b32"{weight} xml:space="preserve">{escape(text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _allocated(arm: dict, randomised_pilot: bool) -> str:
    if arm["key"] == POOLED_ARMS:
        return f"Both arms, pooled (n={arm['allocated']})"
    if randomised_pilot:
        return f"Allocated to {arm['label'].lower()} (n={arm['allocated']})"
    return f"Enrolled (n={arm['allocated']})"


def consort_png(svg: str, scale: float = 2.0) -> bytes:
    """The diagram as PNG, rendered server-side by CairoSVG (no browser)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
