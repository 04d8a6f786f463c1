"""Safety alert email: claimed in the database first so a redelivered task never sends twice.

An alert is marked notified only when an email went to at least one person. With no active
PWP or site lead the trial managers are told instead; with nobody at all the alert stays
unnotified, an error is logged, and the beat sweep tries again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.roles import Role
from apps.outcomes.models import SafetyAlert

logger = logging.getLogger(__name__)

# How long an alert may wait for its own queued task before the sweep queues it again.
REQUEUE_AFTER = timedelta(minutes=2)


def alert_recipients(alert: SafetyAlert) -> list[str]:
    """The participant's PWP and site leads; the pilot's trial managers when there are none."""
    participant = alert.participant
    emails = set(
        participant.site.members.filter(role=Role.SITE_LEAD, is_active=True).values_list(
            "email", flat=True
        )
    )
    if participant.assigned_pwp and participant.assigned_pwp.is_active:
        emails.add(participant.assigned_pwp.email)
    if not emails:
        emails.update(
            User.objects.filter(role=Role.TRIAL_MANAGER, is_active=True).values_list(
                "email", flat=True
            )
        )
    return sorted(emails)


def send_safety_alert_email(*, alert_id: int) -> int:
    """Send the alert email unless already sent; returns the number of recipients."""
    with transaction.atomic():
        alert = (
            SafetyAlert.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("participant__site", "participant__assigned_pwp")
            .filter(pk=alert_id, notified_at__isnull=True)
            .first()
        )
        if alert is None:
            return 0
        recipients = alert_recipients(alert)
        if not recipients:
            logger.error(
                "Safety alert %s for %s: nobody to email (no active PWP, site lead or trial "
                "manager); it stays unnotified and will be retried.",
                alert.public_id,
                alert.participant.trial_id,
            )
            return 0
        try:
            path = reverse("participant-detail", args=[alert.participant.public_id])
        except NoReverseMatch:
            path = "/"
        # No clinical details in the email: the trial ID and a link to sign in.
        send_mail(
            subject=f"QuitPilot safety alert for {alert.participant.trial_id}",
            message=(
                f"A questionnaire for participant {alert.participant.trial_id} needs a clinician "
                f"to review it today.\n\nSign in to QuitPilot to see and acknowledge the alert:\n"
                f"{settings.SITE_URL}{path}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        alert.notified_at = timezone.now()
        alert.save(update_fields=["notified_at", "updated_at"])
    return len(recipients)


def unnotified_alert_ids(*, now: datetime | None = None) -> list[int]:
    """Open alerts whose email has not gone out although they were raised a while ago."""
    cutoff = (now or timezone.now()) - REQUEUE_AFTER
    return list(
        SafetyAlert.objects.filter(
            notified_at__isnull=True, acknowledged_at__isnull=True, raised_at__lt=cutoff
        )
        .order_by("raised_at")
        .values_list("id", flat=True)
    )
