"""The delegation log (duties delegated to site staff, per site and dates) and training records."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from apps.core.models import TimeStampedModel


class Duty(models.TextChoices):
    SCREEN = "screen", "Screen for eligibility"
    CONSENT = "consent", "Take informed consent"
    RANDOMISE = "randomise", "Randomise"
    DELIVER_SESSIONS = "deliver_sessions", "Deliver cessation sessions"
    RECORD_FOLLOW_UPS = "record_follow_ups", "Record follow-up assessments"
    DATA_ENTRY = "data_entry", "Data entry and corrections"


class TrainingKind(models.TextChoices):
    GCP = "gcp", "Good Clinical Practice (GCP)"
    NCSCT = "ncsct", "NCSCT practitioner certificate"
    PROTOCOL = "protocol", "Trial protocol training"


@pghistory.track()
class Delegation(TimeStampedModel):
    """One duty delegated to one staff member at one site, from a date, until a date or open."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations"
    )
    site = models.ForeignKey("trial_sites.Site", on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(max_length=20, choices=Duty.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["site__code", "user__full_name", "duty", "starts_on"]
        indexes = [models.Index(fields=["user", "site", "duty"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="delegation_ends_on_or_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_duty_display()} at {self.site}"


@pghistory.track()
class TrainingRecord(TimeStampedModel):
    """A staff member's completed training and, for a certificate, when it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    kind = models.CharField(max_length=20, choices=TrainingKind.choices)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    certificate_reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["user__full_name", "kind", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="training_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} ({self.completed_on})"
