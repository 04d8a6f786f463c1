"""The protocol deviation log: what departed from the protocol, for whom, how serious, and why."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import PublicModel


class DeviationCategory(models.TextChoices):
    ELIGIBILITY = "eligibility", "Eligibility"
    CONSENT = "consent", "Consent"
    ALLOCATION = "allocation", "Allocation"
    INTERVENTION_DELIVERY = "intervention_delivery", "Intervention delivery"
    CONTAMINATION = "contamination", "Contamination (control arm received the intervention)"
    FOLLOW_UP_WINDOW = "follow_up_window", "Follow-up out of window"
    DATA = "data", "Data"
    OTHER = "other", "Other"


class DeviationSeriousness(models.TextChoices):
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"


@pghistory.track()
class ProtocolDeviation(PublicModel):
    """One departure from the protocol for one participant, as the sponsor's log records it."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="deviations"
    )
    occurred_on = models.DateField("Date of the deviation")
    category = models.CharField(max_length=24, choices=DeviationCategory.choices)
    description = models.TextField()
    seriousness = models.CharField(max_length=8, choices=DeviationSeriousness.choices)
    corrective_action = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="deviation_category_valid",
                condition=Q(category__in=DeviationCategory.values),
            ),
            models.CheckConstraint(
                name="deviation_seriousness_valid",
                condition=Q(seriousness__in=DeviationSeriousness.values),
            ),
            models.CheckConstraint(name="deviation_has_description", condition=~Q(description="")),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.category} {self.occurred_on}"
