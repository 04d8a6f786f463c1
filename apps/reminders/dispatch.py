"""The reminder outbox dispatcher: claim a few rows, mark each attempt, send, record.

The rule (docs/clinical-safety.md): a reminder is sent at most once, and none is lost without a
person being told. A message handed to a provider that cannot be asked whether it went out
(SMTP, the development file and log backends) and whose outcome was never recorded is "delivery
uncertain": a task for the site's staff, never resent automatically.

1. Claim (one short transaction): a small batch (REMINDER_BATCH_SIZE) of due rows is locked with
   SELECT ... FOR UPDATE SKIP LOCKED, marked `sending` with a claim token and a short lease
   (`lease_expires_at`, REMINDER_CLAIM_LEASE_SECONDS), and committed. Two dispatchers never
   claim the same row. Rows whose lease ran out (their dispatcher died) are claimed again.
2. Heartbeat: before each row the dispatcher extends the lease of every row of its claim still
   unfinished, so a slow live dispatcher keeps its rows while a dead one's are free within one
   lease. The batch is small so a claim never waits long behind its own sends.
3. Attempt (apps/reminders/attempts.py), never a row lock held across a network call:
   a. one transaction locks the follow-up and the row, checks the claim and that the follow-up
      still wants the message (completing a questionnaire locks the same follow-up row), and
      commits `attempting` with `attempt_started_at`;
   b. the provider is called with no transaction open;
   c. the outcome (`sent` with the provider reference, or a retry or failure) is written by one
      UPDATE that applies only while this claim still holds the row `attempting`.
   A follow-up completed during (b) can therefore still receive the message being sent then,
   never a later one.
4. Recovery: a row claimed again while `attempting` (its dispatcher was killed, or the database
   restarted, between a and c) is never resent blindly. Where the provider can be asked (GOV.UK
   Notify, by reference, for email and text) its answer settles it: found means `sent`, not
   found means the call never arrived and the row is sent as usual. Otherwise it becomes
   `uncertain`, with a task for the participant's PWP (or the site's clinical staff) on the
   caseload, who record "it arrived" or choose to send it again (services.resolve_uncertain).
   A row claimed again while only `sending` never reached a provider and is simply sent.
5. Failures: transient ones go back to `pending` with `next_attempt_at` (exponential backoff,
   capped); after REMINDER_MAX_ATTEMPTS provider calls, or for a permanent failure, `failed`.
   A database error ends the run (the Celery task retries with backoff); rows it held are
   settled by the steps above once their lease runs out.
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.reminders.attempts import (
    ALREADY_SENT,
    CANCELLED,
    CLAIM_LOST,
    FAILED,
    RETRY,
    SENT,
    SKIPPED,
    UNCERTAIN,
    Clock,
    backoff,
    idempotency_key,
    lease,
    send_one,
)
from apps.reminders.channels import OutgoingMessage
from apps.reminders.models import Reminder, ReminderChannel, ReminderStatus
from apps.sites.selectors import without_locked_sites

__all__ = [
    "ALREADY_SENT",
    "CANCELLED",
    "CLAIM_LOST",
    "FAILED",
    "RETRY",
    "SENT",
    "SKIPPED",
    "UNCERTAIN",
    "Claim",
    "DispatchReport",
    "OutgoingMessage",
    "backoff",
    "claim_due_reminders",
    "dispatch_due_reminders",
    "extend_lease",
    "idempotency_key",
    "send_claim",
    "send_claimed",
]

HELD = (ReminderStatus.SENDING, ReminderStatus.ATTEMPTING)


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


def _clock(now: datetime | None) -> Clock:
    """A fixed time when the caller gives one (tests), else the real clock at each call."""
    return (lambda: now) if now is not None else timezone.now


def claim_due_reminders(*, now: datetime | None = None, limit: int | None = None) -> Claim:
    """Claim a few due rows (rows whose lease ran out first) for this dispatcher."""
    now = now or timezone.now()
    limit = limit or settings.REMINDER_BATCH_SIZE
    token = uuid.uuid4()
    with transaction.atomic():
        # Two queries, each served by its own index, rather than one OR that scans the table.
        # A site locked for analysis sends nothing: its rows wait, unclaimed, for an unlock.
        sendable = without_locked_sites(Reminder.objects.all(), "participant__site")
        abandoned = list(
            sendable.select_for_update(skip_locked=True)
            .filter(status__in=HELD, lease_expires_at__lt=now)
            .order_by("lease_expires_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        due = []
        if len(abandoned) < limit:
            due = list(
                sendable.select_for_update(skip_locked=True)
                .filter(status=ReminderStatus.PENDING, due_at__lte=now)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("due_at", "id")
                .values_list("id", flat=True)[: limit - len(abandoned)]
            )
        ids = abandoned + due
        if ids:
            # An `attempting` row stays so: the new claim must settle it, not send it.
            Reminder.objects.filter(id__in=ids).update(
                claimed_at=now, claim_token=token, lease_expires_at=now + lease(), updated_at=now
            )
            Reminder.objects.filter(id__in=due).update(status=ReminderStatus.SENDING)
            Reminder.objects.filter(id__in=abandoned, status=ReminderStatus.SENDING).update(
                attempt_started_at=None
            )
    return Claim(token=token, reminder_ids=ids)


def extend_lease(claim: Claim, reminder_ids: list[int], *, now: datetime | None = None) -> int:
    """The heartbeat: push back the lease of this claim's rows still held; returns how many."""
    now = now or timezone.now()
    return Reminder.objects.filter(
        pk__in=reminder_ids, claim_token=claim.token, status__in=HELD
    ).update(lease_expires_at=now + lease())


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
    clock = _clock(now)
    rows = {
        r.pk: r
        for r in Reminder.objects.select_related("follow_up").filter(
            pk__in=claim.reminder_ids, claim_token=claim.token, status__in=HELD
        )
    }
    urls = _fresh_link_urls(list(rows.values()))
    outcomes = []
    for position, reminder_id in enumerate(claim.reminder_ids):
        if reminder_id not in rows:
            outcomes.append(SKIPPED)
            continue
        if position:
            extend_lease(claim, claim.reminder_ids[position:], now=clock())
        outcomes.append(
            send_one(rows[reminder_id], claim.token, urls.get(reminder_id), clock=clock)
        )
    return outcomes


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
