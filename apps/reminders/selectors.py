"""Reads of follow-ups and reminder tasks; every query starts from what the user may see."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import SiteMembership
from apps.core.roles import CLINICAL_WRITE_ROLES, can_write_clinical
from apps.patients.models import Participant
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


def _pwp_can_act() -> Exists:
    """The participant's current PWP is active, a member of their site and in a clinical role."""
    return Exists(
        SiteMembership.objects.filter(
            user_id=OuterRef("participant__assigned_pwp_id"),
            site_id=OuterRef("participant__site_id"),
            user__is_active=True,
            user__role__in=CLINICAL_WRITE_ROLES,
        )
    )


def open_tasks_for(user) -> QuerySet[Reminder]:
    """What the user must act on while the follow-up is still open: escalations issued and not
    yet done ('phone the participant'), messages to the participant that could not be
    delivered and nobody has marked seen, and messages whose delivery is uncertain (a send was
    interrupted where the provider cannot be asked) that nobody has checked yet.

    Both go to the participant's current PWP while that PWP can act on them (active, a member of
    the participant's site, a clinical role), otherwise to the clinical staff of the site.
    """
    if not user.is_authenticated:
        return Reminder.objects.none()
    # A call's assignee counts only while still the participant's PWP and able to act, and is
    # then the current PWP: routing by the current PWP alone means a call assigned to someone
    # who left, moved site or handed the participant on is never lost.
    pwp_can_act = Q(_pwp_can_act())
    mine = pwp_can_act & Q(participant__assigned_pwp=user)
    if can_write_clinical(user):
        mine |= ~pwp_can_act
    phone_call = Q(kind=ReminderKind.ESCALATION, status=ReminderStatus.SENT)
    undelivered = Q(status=ReminderStatus.FAILED) & ~Q(channel=ReminderChannel.STAFF_TASK)
    uncertain = Q(status=ReminderStatus.UNCERTAIN)
    return (
        Reminder.objects.filter(
            (phone_call | undelivered | uncertain) & mine,
            done_at__isnull=True,
            follow_up__status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.OPEN],
            participant__in=participants_visible_to(user),
        )
        .select_related("participant", "follow_up")
        .order_by("due_at", "id")
    )


@dataclass(frozen=True)
class UndeliveredFollowUp:
    """One follow-up's messages that did not reach the participant, in the order they were due."""

    participant: Participant
    follow_up: FollowUp
    messages: list[Reminder]

    @property
    def reminder_ids(self) -> list[int]:
        """The ids of the messages shown, which "Mark seen" marks (and no later failure)."""
        return [m.id for m in self.messages]


def my_tasks_context(user) -> dict:
    """Context for templates/reminders/_my_tasks.html, in one query: the calls to make
    ('my_tasks'), per follow-up the messages that did not reach the participant
    ('undelivered'), and the messages whose delivery staff must check ('uncertain')."""
    tasks = list(open_tasks_for(user))
    by_follow_up: dict[int, list[Reminder]] = {}
    for task in tasks:
        if task.status == ReminderStatus.FAILED:
            by_follow_up.setdefault(task.follow_up_id, []).append(task)
    return {
        "my_tasks": [t for t in tasks if t.kind == ReminderKind.ESCALATION],
        "undelivered": [
            UndeliveredFollowUp(m[0].participant, m[0].follow_up, m) for m in by_follow_up.values()
        ],
        "uncertain": [t for t in tasks if t.status == ReminderStatus.UNCERTAIN],
    }
