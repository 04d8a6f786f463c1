"""Source data verification: one row each time a monitor verified a record against the source."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.clinical.source_verification import AREA_LABELS, Area
from apps.core.triggers import refused_while_locked


class SourceVerification(models.Model):
    """A record verified against the source by a monitor; append-only, newest counts."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="source_verifications"
    )
    area = models.CharField(max_length=20, choices=[(a.value, AREA_LABELS[a]) for a in Area])
    record_type = models.CharField(max_length=20)
    record_id = models.UUIDField(
        help_text="The verified record's public id (or its participant's)."
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["participant", "record_type", "record_id"])]
        constraints = [
            models.CheckConstraint(
                name="source_verification_area_valid", condition=Q(area__in=[a.value for a in Area])
            )
        ]
        triggers = [
            refused_while_locked("participant"),
            pgtrigger.Protect(
                name="source_verification_is_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} verified {self.verified_at:%Y-%m-%d}"
