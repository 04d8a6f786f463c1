"""Safety alert email: claimed in the database first so a redelivered task never sends twice."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.roles import Role
from apps.outcomes.models import SafetyAlert


def alert_recipients(alert: SafetyAlert) -> list[str]:
    """The participant's PWP and the site leads of the participant's site."""
    participant = alert.participant
    emails = set(
        participant.site.members.filter(role=Role.SITE_LEAD, is_active=True).values_list(
            "email", flat=True
        )
    )
    if participant.assigned_pwp and participant.assigned_pwp.is_active:
        emails.add(participant.assigned_pwp.email)
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
