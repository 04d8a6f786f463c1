"""Template helpers for the follow-up and task includes (no queries of their own)."""

from django import template

from apps.core.redact import redact_contact_details
from apps.core.roles import can_write_clinical as _can_write_clinical
from apps.reminders.questionnaire_links import follow_up_accepts_links
from apps.reminders.selectors import my_tasks_context

register = template.Library()


@register.filter
def can_write_clinical(user) -> bool:
    """Whether the user may record clinical data (and so send questionnaire links)."""
    return _can_write_clinical(user)


@register.filter
def without_contact_details(text: str) -> str:
    """A provider's error with any email address or phone number taken out."""
    return redact_contact_details(text)


@register.filter
def accepts_links(follow_up) -> bool:
    """Whether a questionnaire link can be sent or opened for this follow-up today."""
    return follow_up_accepts_links(follow_up)


@register.inclusion_tag("reminders/_my_tasks.html", takes_context=True)
def my_tasks(context) -> dict:
    """Render the signed-in user's calls to make and undelivered or uncertain messages (one
    query)."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    keys = ("my_tasks", "undelivered", "uncertain")
    tasks = {key: context.get(key) for key in keys}
    if tasks["my_tasks"] is None:
        tasks = my_tasks_context(user) if user is not None else dict.fromkeys(keys, [])
    return {**tasks, "request": request, "csrf_token": context.get("csrf_token")}
