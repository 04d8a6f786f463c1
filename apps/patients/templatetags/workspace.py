"""Template filters for the practitioner workspace."""

from django import template

from apps.patients.overview import human_duration

register = template.Library()


@register.filter
def duration(value) -> str:
    """Render a timedelta as '42 minutes' or '1 day 3 hours'."""
    return human_duration(value)
