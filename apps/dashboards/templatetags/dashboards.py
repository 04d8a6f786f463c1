"""Template filters that format dashboard figures the same way everywhere."""

from django import template

from apps.dashboards.metrics import MeanEstimate, Proportion

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
    if isinstance(value, float):
        return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@register.filter
def fmt(value) -> str:
    """Format one dashboard figure for display."""
    return format_cell(value)


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
