"""A dashboard chart drawn as SVG on the server, for reports that carry no JavaScript.

Pure: a table and its chart spec (report_sections/charts) in, SVG text out. Bars for the bar
datasets, lines for the others (dashed or dotted as the page draws them), a legend, a y-axis
with round ticks and every n-th month on the x-axis. Every string is XML-escaped here.
"""

import math
from html import escape

from apps.dashboards.consort import FONT
from apps.dashboards.report_sections.cells import Table

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 56, 40
COLOURS = ("#005eb8", "#212b32", "#007f3b", "#ae2573", "#768692", "#ed8b00")
MAX_X_LABELS = 12


def chart_svg(table: Table, chart: dict, *, title: str) -> str:
    """The chart of `table` as an SVG image, titled for screen readers."""
    labels = [row[0] for row in table.rows]
    datasets = chart.get("datasets", [])
    series = [[_number(row[d["column"]]) for row in table.rows] for d in datasets]
    top = _nice_top(max((v for s in series for v in s if v is not None), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)

    def x(i: float) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        return TOP + plot_h - plot_h * v / top

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    out += _axes(labels, top, x, y)
    for n, (spec, values) in enumerate(zip(datasets, series, strict=True)):
        colour = COLOURS[n % len(COLOURS)]
        if spec.get("type") == "bar":
            out += _bars(values, x, y, step, colour)
        else:
            out += _line(values, x, y, colour, spec)
    out += _legend(datasets)
    out.append("</svg>")
    return "\n".join(out)


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _nice_top(peak: float) -> float:
    """The y-axis top: the peak rounded up to 1, 2 or 5 times a power of ten."""
    if peak <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(peak))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= peak)


def _axes(labels: list, top: float, x, y) -> list[str]:
    out = []
    for k in range(6):
        value = top * k / 5
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#d8dde0" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="#212b32">'
            f"{value:g}</text>"
        )
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'fill="#212b32">{escape(str(label))}</text>'
            )
    return out


def _bars(values: list, x, y, step: float, colour: str) -> list[str]:
    width = step * 0.6
    return [
        f'<rect x="{x(i) - width / 2:.1f}" y="{y(v):.1f}" width="{width:.1f}" '
        f'height="{y(0) - y(v):.1f}" fill="{colour}" fill-opacity="0.35"/>'
        for i, v in enumerate(values)
        if v
    ]


def _line(values: list, x, y, colour: str, spec: dict) -> list[str]:
    dash = ' stroke-dasharray="6 4"' if spec.get("dashed") else ""
    dash = ' stroke-dasharray="2 3"' if spec.get("dotted") else dash
    out, run = [], []
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>'
                )
            run = []
        else:
            run.append((x(i), y(v)))
    return out


def _legend(datasets: list[dict]) -> list[str]:
    out, left, top = [], LEFT, 8
    for n, spec in enumerate(datasets):
        colour = COLOURS[n % len(COLOURS)]
        label = spec.get("label", "")
        width = 28 + 6.6 * len(label)
        if left + width > WIDTH - RIGHT and left > LEFT:  # on to the next legend row
            left, top = LEFT, top + 18
        out.append(f'<rect x="{left:.1f}" y="{top}" width="14" height="10" fill="{colour}"/>')
        out.append(f'<text x="{left + 18:.1f}" y="{top + 9}" fill="#212b32">{escape(label)}</text>')
        left += width
    return out
