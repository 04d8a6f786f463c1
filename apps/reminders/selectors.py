"""Reads of follow-ups and reminder tasks; every query starts from what the user may see."""

from django.db.models import Q, QuerySet

from apps.core.roles import can_write_clinical
from apps.patients.selectors import participants_visible_to
from apps.reminders.models import (
    FollowUp,
    FollowUpStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    """Follow-ups of the participants the user may see."""
    return FollowUp.objects.filter(participant__in=participants_visible_to(user))


def get_follow_up_for(user, public_id) -> FollowUp:
    """One visible follow-up by public UUID; raises DoesNotExist (a 404) otherwise."""
    return follow_ups_visible_to(user).select_related("participant").get(public_id=public_id)


def open_tasks_for(user) -> QuerySet[Reminder]:
    """What the user must act on while the follow-up is still open: escalations issued and not
    yet done ('phone the participant'), and messages to the participant that could not be
    delivered and nobody has looked at yet.

    A PWP sees those of their own participants; clinical staff also see unassigned ones at
    their sites.
    """
    if not user.is_authenticated:
        return Reminder.objects.none()
    mine = Q(assigned_to=user)
    if can_write_clinical(user):
        mine |= Q(assigned_to__isnull=True)
    phone_call = Q(kind=ReminderKind.ESCALATION, status=ReminderStatus.SENT)
    undelivered = Q(status=ReminderStatus.FAILED) & ~Q(channel=ReminderChannel.STAFF_TASK)
    return (
        Reminder.objects.filter(
            mine,
            phone_call | undelivered,
            done_at__isnull=True,
            follow_up__status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.OPEN],
            participant__in=participants_visible_to(user),
        )
        .select_related("participant", "follow_up")
        .order_by("due_at", "id")
    )


def my_tasks_context(user) -> dict:
    """Context for templates/reminders/_my_tasks.html, in one query: the calls to make
    ('my_tasks') and the messages that did not reach the participant ('undelivered')."""
    tasks = list(open_tasks_for(user))
    return {
        "my_tasks": [t for t in tasks if t.kind == ReminderKind.ESCALATION],
        "undelivered": [t for t in tasks if t.kind != ReminderKind.ESCALATION],
    }
