"""One claimed reminder row, taken through its attempt: mark, call the provider, record.

Three steps, never a row lock held across a network call (apps/reminders/dispatch.py explains
the whole design):

1. `start_attempt` (one transaction, follow-up and row locked): check the claim and that the
   follow-up still wants the message, then commit `attempting` with `attempt_started_at`.
2. The provider call, outside any transaction.
3. `_record` (one conditional UPDATE): the outcome, only if this dispatcher still holds the
   claim and the row is still `attempting`.

A row found `attempting` by a later claim (its dispatcher died, or the database went away
before step 3) goes through `resolve_interrupted` instead of being sent again.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.redact import redact_contact_details
from apps.reminders import messages
from apps.reminders.channels import (
    OutgoingMessage,
    PermanentSendError,
    SendError,
    channel_for,
)
from apps.reminders.models import (
    FollowUp,
    FollowUpStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from apps.reminders.services import arm_in_current_window

logger = logging.getLogger("apps.reminders.dispatch")

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
_CLOSED = (FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED, FollowUpStatus.MISSED)

SENT = "sent"
ALREADY_SENT = "already_sent"
CANCELLED = "cancelled"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"
UNCERTAIN = "uncertain"
CLAIM_LOST = "claim_lost"

UNCERTAIN_REASON = (
    "The send was interrupted after the message was handed to the email service, which cannot "
    "say whether it went out. Ask the participant whether it arrived before sending it again."
)

Clock = Callable[[], datetime]


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts` (1, 2, 4, ... minutes, at most an hour)."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def idempotency_key(reminder: Reminder) -> str:
    """The key every attempt of one reminder carries to the provider.

    It includes the due time, so a row armed again for a moved window is a new message.
    """
    return f"quitpilot-reminder-{reminder.pk}-{int(reminder.due_at.timestamp())}"


def lease() -> timedelta:
    """How long a claim lasts without a heartbeat."""
    return timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)


@dataclass(frozen=True)
class Attempt:
    """A committed attempt mark and the message it is for."""

    reminder_id: int
    attempts: int
    channel: str
    message: OutgoingMessage


def send_one(row: Reminder, token: uuid.UUID, url: str | None, *, clock: Clock) -> str:
    """Take one claimed row through its attempt; returns what happened to it."""
    if row.status == ReminderStatus.ATTEMPTING:
        outcome = resolve_interrupted(row.pk, token, clock=clock)
        if outcome is not None:
            return outcome
    attempt = start_attempt(row, token, url, now=clock())
    if isinstance(attempt, str):
        return attempt
    return _call_provider(attempt, token, clock=clock)


def resolve_interrupted(reminder_id: int, token: uuid.UUID, *, clock: Clock) -> str | None:
    """Settle a row left `attempting`: ask the provider, or flag it for staff.

    Returns the row's outcome, or None when the provider says the message never reached it
    (the row is then `sending` again and goes out as usual).
    """
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
        if _lost(reminder, token, ReminderStatus.ATTEMPTING):
            return SKIPPED
        channel = channel_for(reminder.channel)
        if not channel.confirms_delivery:
            reminder.status = ReminderStatus.UNCERTAIN
            reminder.last_error = UNCERTAIN_REASON
            reminder.next_attempt_at = None
            reminder.save()
            logger.warning(
                "Reminder %s: send interrupted (attempt started %s); delivery uncertain, "
                "flagged for staff, not resent.",
                reminder.pk,
                reminder.attempt_started_at.isoformat(),
            )
            return UNCERTAIN
        key = idempotency_key(reminder)
    try:
        reference = channel.find_sent(key)
    except SendError as exc:
        # The provider cannot be asked now: the row stays `attempting` and is asked again once
        # this claim's lease runs out.
        logger.warning("Reminder %s: could not ask the provider: %s", reminder_id, exc)
        return RETRY
    if reference:
        changed = _record(
            reminder_id,
            token,
            status=ReminderStatus.SENT,
            sent_at=clock(),
            provider_reference=reference[:200],
            last_error="",
            next_attempt_at=None,
        )
        return ALREADY_SENT if changed else CLAIM_LOST
    changed = _record(reminder_id, token, status=ReminderStatus.SENDING, attempt_started_at=None)
    return None if changed else CLAIM_LOST


def _lost(reminder: Reminder | None, token: uuid.UUID, status: str) -> bool:
    return reminder is None or reminder.status != status or reminder.claim_token != token


def _why_not(follow_up: FollowUp, contact, today) -> str | None:
    if follow_up.status in _CLOSED:
        return f"Follow-up {follow_up.get_status_display().lower()}"
    if today > follow_up.closes_on:
        return "Follow-up window closed"
    if today < follow_up.opens_on:
        return "Follow-up window not open"
    if contact is None or not contact.consent_to_contact:
        return "No consent to contact"
    return None


def _address(reminder: Reminder, contact) -> tuple[str, str]:
    """(channel, address): scheduled reminders follow the participant's current preference."""
    channel = reminder.channel
    if reminder.kind != ReminderKind.MANUAL and channel != ReminderChannel.STAFF_TASK:
        channel = contact.preferred_channel
    if channel == ReminderChannel.EMAIL:
        return channel, contact.email
    if channel == ReminderChannel.SMS:
        return channel, contact.mobile
    return channel, ""


def _message(reminder: Reminder, follow_up: FollowUp, channel: str, to: str, url: str):
    text = messages.compose(
        kind=reminder.kind,
        url=url,
        closes_on=follow_up.closes_on,
        contact=settings.QUESTIONNAIRE_CONTACT,
    )
    return OutgoingMessage(
        reminder_id=reminder.pk,
        idempotency_key=idempotency_key(reminder),
        channel=channel,
        to=to,
        subject=text.subject,
        body=text.body,
        sms=text.sms,
        personalisation=text.personalisation,
    )


def start_attempt(
    row: Reminder, token: uuid.UUID, url: str | None, *, now: datetime
) -> Attempt | str:
    """Check the row may go, and commit its attempt mark; or finish it here with a reason."""
    with transaction.atomic():
        # Lock order follow-up -> reminder, the same as submission and completion.
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("participant__contact_details")
            .get(pk=row.follow_up_id)
        )
        reminder = Reminder.objects.select_for_update().filter(pk=row.pk).first()
        if _lost(reminder, token, ReminderStatus.SENDING):
            return SKIPPED
        participant = follow_up.participant
        # The participant's PWP makes the call, and hears of a message that could not go.
        reminder.assigned_to_id = participant.assigned_pwp_id
        contact = getattr(participant, "contact_details", None)
        today = timezone.localdate(now)
        if follow_up.status not in _CLOSED and today < follow_up.opens_on:
            # The window moved later (a new quit date) while this row was claimed: it belongs
            # to the new window, so it waits for it instead of being cancelled.
            arm_in_current_window(reminder, follow_up)
            return SKIPPED
        reason = _why_not(follow_up, contact, today)
        if reason is None and reminder.channel != ReminderChannel.STAFF_TASK and url is None:
            reason = "Follow-up not open for links"
        if reason is not None:
            return _finish(reminder, ReminderStatus.CANCELLED, error=reason, outcome=CANCELLED)
        channel_name, to = _address(reminder, contact)
        reminder.channel = channel_name  # what was tried, sent or not
        if channel_name != ReminderChannel.STAFF_TASK and not to:
            label = dict(ReminderChannel.choices)[channel_name].lower()
            return _finish(
                reminder,
                ReminderStatus.FAILED,
                error=f"No {label} address on file",
                outcome=FAILED,
            )
        reminder.status = ReminderStatus.ATTEMPTING
        reminder.attempt_started_at = now
        reminder.attempts += 1  # the row is locked: no lost update
        reminder.lease_expires_at = now + lease()
        reminder.save()
        return Attempt(
            reminder_id=reminder.pk,
            attempts=reminder.attempts,
            channel=channel_name,
            message=_message(reminder, follow_up, channel_name, to, url or ""),
        )


def _call_provider(attempt: Attempt, token: uuid.UUID, *, clock: Clock) -> str:
    """The network call, with no transaction open; then the outcome in one UPDATE."""
    channel = channel_for(attempt.channel)
    try:
        # A row tried before may have reached the provider on that earlier try.
        reference = None
        if attempt.attempts > 1 and channel.confirms_delivery:
            reference = channel.find_sent(attempt.message.idempotency_key)
        outcome = ALREADY_SENT if reference else SENT
        if reference is None:
            reference = channel.send(attempt.message)
    except PermanentSendError as exc:
        return _record_failure(attempt, token, str(exc), permanent=True, clock=clock)
    except Exception as exc:  # noqa: BLE001 - any other provider failure is worth a retry
        if not isinstance(exc, SendError):
            # The traceback's message can quote the address, so it is logged redacted.
            logger.error(
                "Reminder %s: unexpected send failure\n%s",
                attempt.reminder_id,
                redact_contact_details("".join(traceback.format_exception(exc))),
            )
        error = str(exc) or exc.__class__.__name__
        return _record_failure(attempt, token, error, permanent=False, clock=clock)
    changed = _record(
        attempt.reminder_id,
        token,
        status=ReminderStatus.SENT,
        sent_at=clock(),
        provider_reference=reference[:200],
        last_error="",
        next_attempt_at=None,
    )
    return outcome if changed else CLAIM_LOST


def _record(reminder_id: int, token: uuid.UUID, **fields) -> bool:
    """Write an attempt's outcome if this claim still holds the row `attempting`."""
    changed = Reminder.objects.filter(
        pk=reminder_id, claim_token=token, status=ReminderStatus.ATTEMPTING
    ).update(**fields, updated_at=timezone.now())
    if not changed:
        # Only if this dispatcher stalled past its lease: another one now owns the row, and
        # settles it (from the provider, or as uncertain), so nothing is sent twice.
        logger.error("Reminder %s: claim lost before the outcome was recorded", reminder_id)
    return bool(changed)


def _record_failure(
    attempt: Attempt, token: uuid.UUID, error: str, *, permanent: bool, clock: Clock
) -> str:
    if permanent or attempt.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        if not permanent:
            error = f"Gave up after {attempt.attempts} attempts: {error}"
        changed = _record(
            attempt.reminder_id,
            token,
            status=ReminderStatus.FAILED,
            last_error=error,
            next_attempt_at=None,
        )
        if changed:
            _log_failure(attempt.reminder_id, error)
        return FAILED if changed else CLAIM_LOST
    changed = _record(
        attempt.reminder_id,
        token,
        status=ReminderStatus.PENDING,
        next_attempt_at=clock() + backoff(attempt.attempts),
        last_error=error,
    )
    return RETRY if changed else CLAIM_LOST


def _log_failure(reminder_id: int, error: str) -> None:
    # The database keeps the provider's words (staff pages redact them); logs never do.
    logger.warning("Reminder %s failed: %s", reminder_id, redact_contact_details(error))


def _finish(reminder: Reminder, status: str, *, error: str, outcome: str) -> str:
    reminder.status = status
    reminder.last_error = error
    reminder.next_attempt_at = None
    reminder.save()
    if status == ReminderStatus.FAILED:
        _log_failure(reminder.pk, error)
    return outcome
