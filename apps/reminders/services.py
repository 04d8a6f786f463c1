"""Writes for the follow-up schedule and the reminder outbox."""

import logging
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from apps.clinical import schedule
from apps.core.errors import DomainError
from apps.core.queue import enqueue_on_commit
from apps.reminders.models import (
    IN_FLIGHT,
    FollowUp,
    FollowUpStatus,
    FollowUpTimepoint,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from apps.sites.selectors import without_locked_sites

logger = logging.getLogger(__name__)

REMINDER_SEND_TIME = time(9, 0)
_CLOSED = (FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED, FollowUpStatus.MISSED)


def reminder_due_at(day: date) -> datetime:
    """When a reminder step falling on `day` is sent (local time)."""
    return timezone.make_aware(datetime.combine(day, REMINDER_SEND_TIME))


@transaction.atomic
def sync_follow_up_schedule(*, participant, today: date | None = None) -> list[FollowUp]:
    """Create or move the participant's follow-ups and their reminders from the pure rules."""
    if participant.randomised_on is None:
        return []
    today = today or timezone.localdate()
    follow_ups = []
    for window in schedule.follow_up_windows(participant.randomised_on, participant.quit_date):
        # Locked, so a follow-up completed (or marked missed) meanwhile is seen as it now is.
        follow_up, created = FollowUp.objects.select_for_update().get_or_create(
            participant=participant,
            timepoint=window.timepoint,
            defaults={
                "due_on": window.due_on,
                "opens_on": window.opens_on,
                "closes_on": window.closes_on,
            },
        )
        reopened = False
        if (
            not created
            and _follows_its_window(follow_up)
            and (follow_up.due_on, follow_up.opens_on, follow_up.closes_on)
            != (window.due_on, window.opens_on, window.closes_on)
        ):
            reopened = follow_up.status == FollowUpStatus.MISSED
            follow_up.due_on, follow_up.opens_on = window.due_on, window.opens_on
            follow_up.closes_on = window.closes_on
            follow_up.save(update_fields=["due_on", "opens_on", "closes_on", "updated_at"])
            _move_link_expiry(follow_up)
        _refresh_status(follow_up, today)
        plan_reminders(follow_up=follow_up, window=window, reopened=reopened)
        follow_ups.append(follow_up)
    return follow_ups


def _follows_its_window(follow_up: FollowUp) -> bool:
    """Whether the follow-up moves when its window does.

    A missed 4-week check is done again in the window of a new quit date (the only window that
    moves: the month windows follow randomisation); completed and cancelled ones never move.
    """
    if follow_up.status == FollowUpStatus.MISSED:
        return follow_up.timepoint == FollowUpTimepoint.WEEK4
    return follow_up.status not in _CLOSED


def _move_link_expiry(follow_up: FollowUp) -> None:
    from apps.reminders.models import QuestionnaireLink
    from apps.reminders.questionnaire_links import link_expiry

    QuestionnaireLink.objects.filter(follow_up=follow_up, used_at__isnull=True).update(
        expires_at=link_expiry(follow_up.closes_on), updated_at=timezone.now()
    )


def _refresh_status(follow_up: FollowUp, today: date) -> None:
    if follow_up.status in (FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED):
        return
    status = schedule.follow_up_status(follow_up.window, today, completed=False)
    if status != follow_up.status:
        follow_up.status = status
        follow_up.save(update_fields=["status", "updated_at"])
        if status == FollowUpStatus.MISSED:
            cancel_pending_reminders(participant=follow_up.participant, follow_up=follow_up)


def plan_reminders(
    *, follow_up: FollowUp, window: schedule.FollowUpWindow, reopened: bool = False
) -> None:
    """Create the cadence's reminder rows (or move pending ones when the window moved).

    A follow-up reopened in a new window (a missed 4-week check after a new quit date) is
    planned as if new: its rows from the old window are armed again for the steps still to
    come plus the latest one already due, so the new window never goes without a message.
    """
    if follow_up.status in _CLOSED:
        return
    contact = getattr(follow_up.participant, "contact_details", None)
    if contact is None or not contact.consent_to_contact:
        return
    to_arm = {kind for kind, _ in schedule.steps_to_arm(window, timezone.localdate())}
    for kind, day in schedule.reminder_due_dates(window):
        existing = Reminder.objects.filter(follow_up=follow_up, kind=kind).first()
        if existing is not None:
            _move_reminder(existing, reminder_due_at(day), catch_up=reopened and kind in to_arm)
            continue
        if kind not in to_arm:
            continue
        Reminder.objects.get_or_create(
            follow_up=follow_up, kind=kind, defaults=new_reminder_fields(follow_up, kind, day)
        )


def new_reminder_fields(follow_up: FollowUp, kind: str, day: date) -> dict:
    """A new cadence row's fields: the escalation is a phone task for the participant's PWP."""
    participant = follow_up.participant
    escalation = kind == ReminderKind.ESCALATION
    return {
        "participant": participant,
        "channel": ReminderChannel.STAFF_TASK
        if escalation
        else participant.contact_details.preferred_channel,
        "due_at": reminder_due_at(day),
        "assigned_to": participant.assigned_pwp if escalation else None,
    }


def _move_reminder(reminder: Reminder, due_at: datetime, *, catch_up: bool = False) -> None:
    """Follow a moved window: pending rows move; rows already done re-arm if still to come.

    A cancelled row on a follow-up that is still open was cancelled because contact consent was
    withdrawn; planning again means consent is back, so future steps are armed again. A row sent
    for the old window is armed again when the window moved to a later date (new quit date).
    `catch_up` arms a moved row even though its new time has passed (it goes out at once).
    """
    if reminder.status in (ReminderStatus.SENDING, ReminderStatus.ATTEMPTING):
        return  # a dispatcher holds it; it settles the row against the window as it is then
    if reminder.status == ReminderStatus.PENDING:
        if reminder.due_at != due_at:
            reminder.due_at = due_at
            reminder.save(update_fields=["due_at", "updated_at"])
        return
    now = timezone.now()
    moved = reminder.due_at != due_at
    rearm = (due_at > now or catch_up) and (moved or reminder.status == ReminderStatus.CANCELLED)
    if rearm:
        _arm(reminder, due_at)


def arm_in_current_window(reminder: Reminder, follow_up: FollowUp) -> None:
    """Arm a reminder again at its step's time in the follow-up's window as it is now."""
    day = dict(schedule.reminder_due_dates(follow_up.window)).get(reminder.kind)
    _arm(reminder, reminder_due_at(day or follow_up.opens_on))


def _arm(reminder: Reminder, due_at: datetime) -> None:
    """Make the row a pending message due at `due_at`, with nothing left of an earlier send."""
    reminder.due_at = due_at
    reminder.status = ReminderStatus.PENDING
    reminder.attempts = 0
    reminder.next_attempt_at = None
    reminder.claimed_at = None
    reminder.claim_token = None
    reminder.lease_expires_at = None
    reminder.attempt_started_at = None
    reminder.resolution = ""
    reminder.sent_at = None
    reminder.done_at = None
    reminder.provider_reference = ""
    reminder.last_error = ""
    reminder.save()


def cancel_pending_reminders(*, participant, follow_up: FollowUp | None = None) -> int:
    """Cancel every reminder not yet sent for the participant (or one follow-up)."""
    reminders = Reminder.objects.filter(participant=participant, status=ReminderStatus.PENDING)
    if follow_up is not None:
        reminders = reminders.filter(follow_up=follow_up)
    return reminders.update(status=ReminderStatus.CANCELLED, updated_at=timezone.now())


@transaction.atomic
def cancel_follow_ups(*, participant) -> None:
    """Cancel the follow-ups still to come and all their pending reminders (withdrawal)."""
    FollowUp.objects.filter(participant=participant).exclude(status__in=_CLOSED).update(
        status=FollowUpStatus.CANCELLED, updated_at=timezone.now()
    )
    cancel_pending_reminders(participant=participant)


@transaction.atomic
def complete_follow_up(*, follow_up: FollowUp, when: datetime | None = None) -> FollowUp:
    """Mark a follow-up done; its pending reminders are cancelled in the same transaction."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.COMPLETED:
        follow_up.status = FollowUpStatus.COMPLETED
        follow_up.completed_at = when or timezone.now()
        follow_up.save(update_fields=["status", "completed_at", "updated_at"])
    cancel_pending_reminders(participant=follow_up.participant, follow_up=follow_up)
    return follow_up


def refresh_follow_up_statuses(*, today: date | None = None) -> int:
    """Open windows that have opened and mark missed those that closed; returns rows changed."""
    today = today or timezone.localdate()
    still_to_do = [FollowUpStatus.SCHEDULED, FollowUpStatus.OPEN]
    # A site locked for analysis is frozen as it stands: its follow-ups wait for an unlock.
    follow_ups = without_locked_sites(FollowUp.objects.all(), "participant__site")
    changed = follow_ups.filter(
        status=FollowUpStatus.SCHEDULED, opens_on__lte=today, closes_on__gte=today
    ).update(status=FollowUpStatus.OPEN, updated_at=timezone.now())
    with transaction.atomic():
        # Lock the closed windows first; a row being completed (or moved) right now is skipped
        # and looked at again on the next run, so a completed follow-up is never marked missed.
        missed_ids = list(
            follow_ups.select_for_update(skip_locked=True)
            .filter(status__in=still_to_do, closes_on__lt=today)
            .values_list("id", flat=True)
        )
        missed = FollowUp.objects.filter(id__in=missed_ids, status__in=still_to_do).update(
            status=FollowUpStatus.MISSED, updated_at=timezone.now()
        )
        Reminder.objects.filter(follow_up_id__in=missed_ids, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.CANCELLED, updated_at=timezone.now()
        )
    return changed + missed


@transaction.atomic
def request_link_send(*, follow_up: FollowUp, channel: str, requested_by) -> Reminder:
    """Queue a questionnaire link to go out now by email or text (through the outbox).

    A second click while one is still on its way returns that one instead of sending two.
    """
    from apps.patients.models import ContactDetails
    from apps.reminders.questionnaire_links import follow_up_accepts_links

    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if channel not in (ReminderChannel.EMAIL, ReminderChannel.SMS):
        raise DomainError("Choose email or text message.", field="channel")
    if not follow_up_accepts_links(follow_up):
        raise DomainError(
            "Links can only be sent while the follow-up window is open "
            f"({follow_up.opens_on:%d %b %Y} to {follow_up.closes_on:%d %b %Y}) "
            "and the questionnaire is not done.",
            field="follow_up",
        )
    contact = ContactDetails.objects.filter(participant_id=follow_up.participant_id).first()
    if contact is None or not contact.consent_to_contact:
        raise DomainError("The participant has not agreed to be contacted.", field="channel")
    if channel == ReminderChannel.EMAIL and not contact.email:
        raise DomainError("There is no email address for this participant.", field="channel")
    if channel == ReminderChannel.SMS and not contact.mobile:
        raise DomainError("There is no mobile number for this participant.", field="channel")
    in_flight = Reminder.objects.filter(
        follow_up=follow_up, kind=ReminderKind.MANUAL, status__in=IN_FLIGHT
    ).first()
    if in_flight is not None:
        return in_flight
    reminder = Reminder.objects.create(
        participant_id=follow_up.participant_id,
        follow_up=follow_up,
        kind=ReminderKind.MANUAL,
        channel=channel,
        due_at=timezone.now(),
        requested_by=requested_by,
    )
    enqueue_on_commit("apps.reminders.tasks.dispatch_due_reminders")
    return reminder


@transaction.atomic
def mark_task_done(*, follow_up: FollowUp, by) -> Reminder:
    """Record that the PWP has phoned the participant about this follow-up."""
    task = (
        Reminder.objects.select_for_update()
        .filter(follow_up=follow_up, kind=ReminderKind.ESCALATION, status=ReminderStatus.SENT)
        .first()
    )
    if task is None:
        raise DomainError("There is no open phone task for this follow-up.", field="task")
    if task.done_at is None:
        task.done_at = timezone.now()
        task.done_by = by
        task.save(update_fields=["done_at", "done_by", "updated_at"])
    return task


@transaction.atomic
def mark_undelivered_seen(*, follow_up: FollowUp, reminder_ids, by) -> int:
    """Record that staff have seen these undelivered messages of this follow-up (so they leave
    the task list); a failure that came after the page was shown is left for them to see.
    Returns how many were marked."""
    # isdigit() alone accepts "²", which int() refuses.
    ids = [int(i) for i in map(str, reminder_ids) if i.isascii() and i.isdigit()]
    now = timezone.now()
    return (
        Reminder.objects.filter(
            follow_up=follow_up, id__in=ids, status=ReminderStatus.FAILED, done_at__isnull=True
        )
        .exclude(channel=ReminderChannel.STAFF_TASK)
        .update(done_at=now, done_by=by, updated_at=now)
    )


@transaction.atomic
def resolve_uncertain(*, follow_up: FollowUp, reminder_id, resolution: str, by) -> Reminder:
    """Record staff's decision on a message whose delivery was uncertain.

    "It arrived" makes it sent (as of when its send started); "send again" is a person's
    explicit choice and queues a new link through the outbox (as "send link now" does). Either
    way the row keeps who decided and when (done_by, done_at, resolution).
    """
    from apps.reminders.models import DeliveryResolution

    if resolution not in DeliveryResolution.values:
        raise DomainError(
            "Choose whether the message arrived or should be sent again.", field="resolution"
        )
    reminder_id = str(reminder_id)
    reminder = (
        Reminder.objects.select_for_update()
        .filter(
            follow_up=follow_up,
            pk=int(reminder_id) if reminder_id.isascii() and reminder_id.isdigit() else None,
            status=ReminderStatus.UNCERTAIN,
            resolution="",
        )
        .first()
    )
    if reminder is None:
        raise DomainError("That message has already been checked.", field="reminder")
    if resolution == DeliveryResolution.SENT_AGAIN:
        request_link_send(follow_up=follow_up, channel=reminder.channel, requested_by=by)
    else:
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = reminder.attempt_started_at
    reminder.resolution = resolution
    reminder.done_at = timezone.now()
    reminder.done_by = by
    reminder.save()
    logger.info(
        "Reminder %s: uncertain delivery resolved as %s by user %s", reminder.pk, resolution, by.pk
    )
    return reminder
