"""The reminder outbox dispatcher: claim due rows, send each once, record what happened.

1. Claim (one short transaction): due rows are locked with SELECT ... FOR UPDATE SKIP LOCKED,
   marked `sending` with a claim token and `claimed_at`, and committed. Two dispatchers never
   claim the same row. Rows left `sending` longer than the lease (their worker died) are
   claimed again the same way.
2. Send (one transaction per row): the follow-up row and the reminder row are locked, the claim
   token re-checked, and the follow-up checked still open. Completing a questionnaire locks the
   same follow-up row, so a reminder can never go out after the follow-up completed. A row
   tried before asks the provider whether it already went out (Notify reference) before sending.
   The provider reference and `sent` are recorded in the same transaction.
3. Failures: transient ones go back to `pending` with `next_attempt_at` (exponential backoff,
   capped); after REMINDER_MAX_ATTEMPTS, or for a permanent failure, the row is `failed`.
"""

import logging
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
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

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
_CLOSED = (FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED, FollowUpStatus.MISSED)

SENT = "sent"
ALREADY_SENT = "already_sent"
CANCELLED = "cancelled"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Claim:
    """Rows this dispatcher owns until it records their outcome."""

    token: uuid.UUID
    reminder_ids: list[int]


@dataclass
class DispatchReport:
    """How many claimed rows ended each way."""

    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        """Count one row's outcome."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def as_dict(self) -> dict:
        """A JSON-friendly summary (the Celery task's result)."""
        return {"claimed": self.claimed, **self.outcomes}


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts` (1, 2, 4, ... minutes, at most an hour)."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def idempotency_key(reminder: Reminder) -> str:
    """The key every attempt of one reminder carries to the provider.

    It includes the due time, so a row armed again for a moved window is a new message.
    """
    return f"quitpilot-reminder-{reminder.pk}-{int(reminder.due_at.timestamp())}"


def claim_due_reminders(*, now: datetime | None = None, limit: int | None = None) -> Claim:
    """Claim due rows (and rows abandoned in `sending` past the lease) for this dispatcher."""
    now = now or timezone.now()
    limit = limit or settings.REMINDER_BATCH_SIZE
    lease = timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    token = uuid.uuid4()
    with transaction.atomic():
        # Two queries, each served by its own index, rather than one OR that scans the table.
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.SENDING, claimed_at__lt=now - lease)
            .order_by("claimed_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if len(ids) < limit:
            ids += list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(status=ReminderStatus.PENDING, due_at__lte=now)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("due_at", "id")
                .values_list("id", flat=True)[: limit - len(ids)]
            )
        if ids:
            Reminder.objects.filter(id__in=ids).update(
                status=ReminderStatus.SENDING,
                claimed_at=now,
                claim_token=token,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    return Claim(token=token, reminder_ids=ids)


def _why_not(reminder: Reminder, follow_up: FollowUp, contact, today) -> str | None:
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


def _fresh_link_urls(reminders: list[Reminder]) -> dict[int, str]:
    """Fresh questionnaire links for a batch, in one committed transaction, by reminder id.

    Committed before any send on purpose: a message must never carry a token whose row was
    rolled back. Links for rows that end up not sent are never seen by anyone.
    """
    from apps.reminders.questionnaire_links import create_questionnaire_links, questionnaire_url

    patient_rows = [r for r in reminders if r.channel != ReminderChannel.STAFF_TASK]
    if not patient_rows:
        return {}
    tokens = create_questionnaire_links(follow_ups=[r.follow_up for r in patient_rows])
    return {
        reminder.pk: questionnaire_url(token)
        for reminder, token in zip(patient_rows, tokens, strict=True)
        if token is not None
    }


def send_claimed(reminder_id: int, token: uuid.UUID, *, now: datetime | None = None) -> str:
    """Send one claimed reminder at most once; returns what happened to it."""
    return send_claim(Claim(token=token, reminder_ids=[reminder_id]), now=now)[0]


def send_claim(claim: Claim, *, now: datetime | None = None) -> list[str]:
    """Send every row of a claim at most once; returns each row's outcome in claim order."""
    rows = {
        r.pk: r
        for r in Reminder.objects.select_related("follow_up").filter(
            pk__in=claim.reminder_ids, claim_token=claim.token
        )
    }
    urls = _fresh_link_urls(list(rows.values()))
    return [
        _send_one(rows[reminder_id], claim.token, urls.get(reminder_id), now=now or timezone.now())
        if reminder_id in rows
        else SKIPPED
        for reminder_id in claim.reminder_ids
    ]


def _send_one(row: Reminder, token: uuid.UUID, url: str | None, *, now: datetime) -> str:
    reminder_id = row.pk
    with transaction.atomic():
        # Lock order follow-up -> reminder, the same as submission and completion.
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("participant__contact_details")
            .get(pk=row.follow_up_id)
        )
        reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.status != ReminderStatus.SENDING or reminder.claim_token != token:
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
        reason = _why_not(reminder, follow_up, contact, today)
        if reason is None and reminder.channel != ReminderChannel.STAFF_TASK and url is None:
            reason = "Follow-up not open for links"
        if reason is not None:
            return _finish(reminder, ReminderStatus.CANCELLED, now, error=reason, outcome=CANCELLED)
        channel_name, to = _address(reminder, contact)
        reminder.channel = channel_name  # what was tried, sent or not
        if channel_name != ReminderChannel.STAFF_TASK and not to:
            return _finish(
                reminder,
                ReminderStatus.FAILED,
                now,
                error=f"No {dict(ReminderChannel.choices)[channel_name].lower()} address on file",
                outcome=FAILED,
            )
        message = _message(reminder, follow_up, channel_name, to, url or "")
        channel = channel_for(channel_name)
        try:
            # A row tried before may have reached the provider before its worker died.
            reference = channel.find_sent(message) if reminder.attempts > 1 else None
            outcome = ALREADY_SENT if reference else SENT
            if reference is None:
                reference = channel.send(message)
        except PermanentSendError as exc:
            return _finish(reminder, ReminderStatus.FAILED, now, error=str(exc), outcome=FAILED)
        except Exception as exc:  # noqa: BLE001 - any other provider failure is worth a retry
            if not isinstance(exc, SendError):
                # The traceback's message can quote the address, so it is logged redacted.
                logger.error(
                    "Reminder %s: unexpected send failure\n%s",
                    reminder_id,
                    redact_contact_details("".join(traceback.format_exception(exc))),
                )
            return _retry_or_fail(reminder, now, str(exc) or exc.__class__.__name__)
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = now
        reminder.provider_reference = reference[:200]
        reminder.last_error = ""
        reminder.next_attempt_at = None
        reminder.save()
        return outcome


def _finish(reminder: Reminder, status: str, now: datetime, *, error: str, outcome: str) -> str:
    reminder.status = status
    reminder.last_error = error
    reminder.next_attempt_at = None
    reminder.save()
    if status == ReminderStatus.FAILED:
        # The database keeps the provider's words (staff pages redact them); logs never do.
        logger.warning("Reminder %s failed: %s", reminder.pk, redact_contact_details(error))
    return outcome


def _retry_or_fail(reminder: Reminder, now: datetime, error: str) -> str:
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return _finish(
            reminder,
            ReminderStatus.FAILED,
            now,
            error=f"Gave up after {reminder.attempts} attempts: {error}",
            outcome=FAILED,
        )
    reminder.status = ReminderStatus.PENDING
    reminder.next_attempt_at = now + backoff(reminder.attempts)
    reminder.last_error = error
    reminder.save()
    return RETRY


def dispatch_due_reminders(
    *, now: datetime | None = None, batch_size: int | None = None, budget_seconds: float = 50.0
) -> DispatchReport:
    """Claim and send due reminders batch by batch until none are due or the budget is spent."""
    report = DispatchReport()
    started = time.monotonic()
    while True:
        claim = claim_due_reminders(now=now, limit=batch_size)
        if not claim.reminder_ids:
            break
        report.claimed += len(claim.reminder_ids)
        for outcome in send_claim(claim, now=now):
            report.add(outcome)
        if time.monotonic() - started > budget_seconds:
            report.outcomes["more_due"] = 1
            break
    return report
