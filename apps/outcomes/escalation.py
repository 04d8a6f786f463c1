"""Escalation of safety alerts nobody acknowledged: planned at raising, sent once, never resent.

Each escalation is an outbox row (AlertEscalation) planned when the alert is raised: to the
site's leads after ALERT_ESCALATION_WORKING_HOURS, to the trial managers a further
ALERT_SECOND_ESCALATION_WORKING_HOURS later. The beat task claims due rows (committed as
'sending' with a token), emails, and marks them sent; acknowledging cancels what is pending.
A claim whose send never finished is flagged 'unconfirmed' after the lease, not sent again:
SMTP cannot say whether a message it was handed went out.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.roles import Role
from apps.outcomes.models import AlertEscalation, EscalationLevel, EscalationStatus, SafetyAlert
from apps.outcomes.working_hours import WorkingDay, add_working_hours, england_bank_holidays

logger = logging.getLogger(__name__)


def escalation_times(raised_at: datetime) -> list[tuple[str, datetime]]:
    """When each level falls due for an alert raised at `raised_at` (settings say how long)."""
    years = range(raised_at.year, raised_at.year + 2)
    rules = {
        "bank_holidays": england_bank_holidays(years),
        "working_day": WorkingDay.parse(settings.ALERT_WORKING_DAY),
    }
    first = add_working_hours(raised_at, settings.ALERT_ESCALATION_WORKING_HOURS, **rules)
    second = add_working_hours(first, settings.ALERT_SECOND_ESCALATION_WORKING_HOURS, **rules)
    return [(EscalationLevel.SITE_LEAD, first), (EscalationLevel.TRIAL_MANAGER, second)]


def plan_escalations(alert: SafetyAlert) -> list[AlertEscalation]:
    """Create the alert's escalation rows (once; planning again changes nothing)."""
    return [
        AlertEscalation.objects.get_or_create(alert=alert, level=level, defaults={"due_at": due})[0]
        for level, due in escalation_times(alert.raised_at)
    ]


def cancel_escalations(alert: SafetyAlert) -> int:
    """The alert was acknowledged: escalations still to come are not needed."""
    return AlertEscalation.objects.filter(alert=alert, status=EscalationStatus.PENDING).update(
        status=EscalationStatus.CANCELLED, updated_at=timezone.now()
    )


def escalation_recipients(escalation: AlertEscalation) -> list[str]:
    """The site's active leads (the trial managers when it has none), or the trial managers."""
    managers = User.objects.filter(role=Role.TRIAL_MANAGER, is_active=True)
    if escalation.level == EscalationLevel.SITE_LEAD:
        leads = escalation.alert.participant.site.members.filter(
            role=Role.SITE_LEAD, is_active=True
        )
        emails = list(leads.values_list("email", flat=True))
        if emails:
            return sorted(emails)
    return sorted(managers.values_list("email", flat=True))


@dataclass(frozen=True)
class EscalationRun:
    claimed: int
    sent: int
    flagged: int

    def as_dict(self) -> dict[str, int]:
        """For the task's result."""
        return {"claimed": self.claimed, "sent": self.sent, "flagged": self.flagged}


def escalate_due_alerts(*, now: datetime | None = None) -> EscalationRun:
    """Send every escalation now due for an alert still open, each exactly once."""
    now = now or timezone.now()
    flagged = _flag_interrupted_sends(now)
    token = uuid.uuid4()
    with transaction.atomic():
        due = list(
            AlertEscalation.objects.select_for_update(skip_locked=True)
            .filter(status=EscalationStatus.PENDING, due_at__lte=now)
            .filter(alert__acknowledged_at__isnull=True)
            .values_list("id", flat=True)
        )
        AlertEscalation.objects.filter(id__in=due).update(
            status=EscalationStatus.SENDING, claim_token=token, claimed_at=now, updated_at=now
        )
    sent = sum(_send_claimed(escalation_id, token) for escalation_id in due)
    return EscalationRun(claimed=len(due), sent=sent, flagged=flagged)


def _flag_interrupted_sends(now: datetime) -> int:
    lease = timedelta(seconds=settings.ALERT_ESCALATION_LEASE_SECONDS)
    stale = AlertEscalation.objects.filter(
        status=EscalationStatus.SENDING, claimed_at__lt=now - lease
    )
    for escalation in stale.select_related("alert__participant"):
        logger.error(
            "Escalation %s of safety alert %s for %s was claimed at %s and never finished; it is "
            "flagged unconfirmed, not resent.",
            escalation.pk,
            escalation.alert.public_id,
            escalation.alert.participant.trial_id,
            escalation.claimed_at,
        )
    return stale.update(status=EscalationStatus.UNCONFIRMED, updated_at=now)


def _send_claimed(escalation_id: int, token: uuid.UUID) -> int:
    with transaction.atomic():
        escalation = (
            AlertEscalation.objects.select_for_update()
            .select_related("alert__participant__site")
            .filter(pk=escalation_id, status=EscalationStatus.SENDING, claim_token=token)
            .first()
        )
        if escalation is None:
            return 0
        # Acknowledged between the claim and now: locked, so it cannot be acknowledged mid-send.
        alert = SafetyAlert.objects.select_for_update().get(pk=escalation.alert_id)
        if alert.acknowledged_at is not None:
            escalation.status, escalation.claim_token = EscalationStatus.CANCELLED, None
            escalation.save(update_fields=["status", "claim_token", "updated_at"])
            return 0
        recipients = escalation_recipients(escalation)
        if not recipients:
            logger.error(
                "Escalation %s of safety alert %s: nobody to email; it stays due and is retried.",
                escalation.pk,
                escalation.alert.public_id,
            )
            escalation.status, escalation.claim_token = EscalationStatus.PENDING, None
            escalation.save(update_fields=["status", "claim_token", "updated_at"])
            return 0
        try:
            _email(escalation, recipients)
        except (OSError, smtplib.SMTPException):
            # Refused before it was sent: due again at the next run.
            logger.exception("Escalation %s could not be emailed; it stays due", escalation.pk)
            escalation.status, escalation.claim_token = EscalationStatus.PENDING, None
            escalation.save(update_fields=["status", "claim_token", "updated_at"])
            return 0
        escalation.status, escalation.sent_at = EscalationStatus.SENT, timezone.now()
        escalation.recipients = ", ".join(recipients)
        escalation.save(update_fields=["status", "sent_at", "recipients", "updated_at"])
    return 1


def _email(escalation: AlertEscalation, recipients: list[str]) -> None:
    alert = escalation.alert
    trial_id = alert.participant.trial_id
    path = reverse("participant-detail", args=[alert.participant.public_id])
    raised = timezone.localtime(alert.raised_at)
    # No clinical details in the email: the trial ID, how long it has waited, where to sign in.
    send_mail(
        subject=f"QuitPilot safety alert for {trial_id} is not acknowledged",
        message=(
            f"The safety alert for participant {trial_id}, raised {raised:%-d %b %Y %H:%M}, has "
            f"not been acknowledged. As the {escalation.get_level_display().lower()}, please "
            f"make sure a clinician reviews it now.\n\nSign in to QuitPilot:\n"
            f"{settings.SITE_URL}{path}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
