"""Template filters that format dashboard figures the same way everywhere."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.dashboards.metrics import MeanEstimate, Proportion
from apps.dashboards.metrics_estimates import Difference, Spread, Summary
from apps.dashboards.report_sections.cells import Table

register = template.Library()

LIGHT_LABELS = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "unknown": "Not yet measurable",
}
LIGHT_CLASSES = {
    "green": "text-bg-success",
    "amber": "text-bg-warning",
    "red": "text-bg-danger",
    "unknown": "text-bg-secondary",
}


def format_cell(value) -> str:
    """A figure as text: n/N (x%; 95% CI a-b) for proportions, mean (CI) for means."""
    if value is None:
        return "–"
    if isinstance(value, Proportion):
        if value.percent is None:
            return f"{value.numerator}/{value.denominator} (no denominator yet)"
        if value.ci_low is None:
            return f"{value.numerator}/{value.denominator} ({value.percent:.1f}%)"
        return (
            f"{value.numerator}/{value.denominator} ({value.percent:.1f}%; "
            f"95% CI {value.ci_low:.1f}–{value.ci_high:.1f})"
        )
    if isinstance(value, MeanEstimate):
        if value.mean is None:
            return "no pairs yet (n=0)"
        if value.ci_low is None:
            return f"{value.mean:+.1f} (n={value.n})"
        return (
            f"{value.mean:+.1f} (95% CI {value.ci_low:+.1f} to {value.ci_high:+.1f}; n={value.n})"
        )
    if isinstance(value, Spread | Summary | Difference):
        return format_estimate(value)
    if isinstance(value, float):
        return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def format_estimate(value: Spread | Summary | Difference) -> str:
    """(2nd ed.) A median (IQR), a mean (SD) or a difference in means (95% CI) as text."""
    if isinstance(value, Spread):
        if value.median is None:
            return "none yet (n=0)"
        return f"{value.median:g} (IQR {value.q1:g}–{value.q3:g}; n={value.n})"
    if isinstance(value, Summary):
        if value.mean is None:
            return "none yet (n=0)"
        sd = "" if value.sd is None else f" (SD {value.sd:.1f})"
        return f"{value.mean:.1f}{sd}; n={value.n}"
    counts = f"n={value.n_intervention} vs {value.n_control}"
    if value.estimate is None:
        return f"not estimable ({counts})"
    return f"{value.estimate:+.1f} (95% CI {value.ci_low:+.1f} to {value.ci_high:+.1f}; {counts})"


@register.filter
def fmt(value) -> str:
    """Format one dashboard figure for display."""
    return format_cell(value)


# Figures whose formatted text has no character HTML gives a meaning to (bool is an int: "True").
NUMERIC = (int, float, Proportion, MeanEstimate, Spread, Summary, Difference)
# Each body row of a table view sits on its own line, indented as the template around it.
ROW_START, ROW_END = "\n        <tr>", "</tr>\n      "


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """A table view's body rows: each row's first cell a row header, every figure formatted."""
    # One tag, not a template node per cell: the per-site and per-PWP tables are long.
    if not table.rows:
        colspan = len(table.columns)
        return mark_safe(f'{ROW_START}<td colspan="{colspan}">Nothing to show yet.</td>{ROW_END}')
    return mark_safe("".join(_row_html(row) for row in table.rows))  # noqa: S308 - escaped


def _row_html(row: list) -> str:
    head, *cells = row
    tds = "".join(f"<td>{_cell(c)}</td>" for c in cells)
    return f'{ROW_START}<th scope="row">{_cell(head)}</th>{tds}{ROW_END}'


def _cell(value) -> str:
    # Escaped as {{ value|fmt }} is; a number or an estimate formats to digits and punctuation.
    text = format_cell(value)
    return text if isinstance(value, NUMERIC) else escape(text)


@register.filter
def light_label(light: str) -> str:
    """The words for a traffic light (never colour alone)."""
    return LIGHT_LABELS.get(light, light)


@register.filter
def light_class(light: str) -> str:
    """The Bootstrap badge class for a traffic light."""
    return LIGHT_CLASSES.get(light, "text-bg-secondary")


@register.filter
def percent(value) -> str:
    """A proportion's percentage alone, or a dash."""
    if isinstance(value, Proportion) and value.percent is not None:
        return f"{value.percent:.1f}%"
    return "–"


@register.filter
def opens_dashboards(user) -> bool:
    """Whether the navigation should offer the feasibility dashboard to this user."""
    from apps.core.roles import can_view_dashboards

    return can_view_dashboards(user)
