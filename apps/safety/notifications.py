"""Serious adverse event email: claimed in the database first so it is never sent twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.roles import Role
from apps.safety.models import AdverseEvent

logger = logging.getLogger(__name__)
REQUEUE_AFTER = timedelta(minutes=2)


def sae_recipients() -> list[str]:
    """The active trial managers and the chief investigator's address (CHIEF_INVESTIGATOR_EMAIL)."""
    emails = set(
        User.objects.filter(role=Role.TRIAL_MANAGER, is_active=True).values_list("email", flat=True)
    )
    if settings.CHIEF_INVESTIGATOR_EMAIL:
        emails.add(settings.CHIEF_INVESTIGATOR_EMAIL)
    return sorted(emails)


def send_sae_email(*, event_id: int) -> int:
    """Email the serious adverse event unless already done; returns the number of recipients."""
    with transaction.atomic():
        event = (
            AdverseEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("participant")
            .filter(pk=event_id, serious=True, sae_notified_at__isnull=True)
            .first()
        )
        if event is None:
            return 0
        recipients = sae_recipients()
        if not recipients:
            logger.error("SAE %s: nobody to email; it stays unnotified and is retried.", event_id)
            return 0
        trial_id = event.participant.trial_id
        hours = settings.SAE_REPORT_WITHIN_HOURS
        # The trial ID and where to sign in; the clinical details stay in QuitPilot.
        send_mail(
            subject=f"QuitPilot serious adverse event for {trial_id}: report within {hours} hours",
            message=(
                f"A serious adverse event was recorded for participant {trial_id}. The sponsor "
                f"expects it reported within {hours} hours of awareness "
                f"({timezone.localtime(event.serious_since):%-d %b %Y %H:%M}).\n\n"
                f"Sign in to QuitPilot to review it and record the report:\n"
                f"{settings.SITE_URL}{reverse('sae-list')}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        event.sae_notified_at = timezone.now()
        event.save(update_fields=["sae_notified_at", "updated_at"])
    return len(recipients)


def unnotified_serious_event_ids(*, now: datetime | None = None) -> list[int]:
    """Serious events whose email has not gone out a while after they became serious."""
    cutoff = (now or timezone.now()) - REQUEUE_AFTER
    return list(
        AdverseEvent.objects.filter(
            serious=True, sae_notified_at__isnull=True, serious_since__lt=cutoff
        ).values_list("id", flat=True)
    )
