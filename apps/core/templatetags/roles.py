"""Role checks for templates: the same functions as apps.core.roles, so no page lists role names."""

from django import template

from apps.core import roles

register = template.Library()


@register.filter
def sees_all_sites(user) -> bool:
    """`{% if user|sees_all_sites %}`: the user's role gives access to every site."""
    return roles.sees_all_sites(user)


@register.filter
def views_serious_adverse_events(user) -> bool:
    """`{% if user|views_serious_adverse_events %}`: the user may open the SAE page."""
    return roles.can_view_serious_adverse_events(user)


@register.filter
def reads_access_log(user) -> bool:
    """`{% if user|reads_access_log %}`: the user may open the access log."""
    return roles.can_read_access_log(user)
