"""The correction log: each corrected value with its old and new value, who, when and why.

The app that owns a record corrects it through its own service (so derived values follow: a
rescored PHQ-9 raises its alert, a moved quit date moves its window) and writes here; the rows
are append-only, and pghistory keeps the records' own before and after as well.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import PublicModel
from apps.core.triggers import refused_while_locked


class CorrectionReason(models.TextChoices):
    ENTRY_ERROR = "entry_error", "Entered wrongly (a typing or transcription error)"
    SOURCE_DIFFERS = "source_differs", "Does not match the source document"
    DATA_QUERY = "data_query", "Answer to a data query"
    LATE_INFORMATION = "late_information", "Information received later"
    OTHER = "other", "Other (explain below)"


class RecordType(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    CO_READING = "co_reading", "CO reading"
    SMOKING_STATUS = "smoking_status", "Smoking status report"
    SESSION = "session", "Cessation session"
    BASELINE = "baseline", "Baseline"
    PARTICIPANT = "participant", "Participant"
    SCREENING = "screening", "Screening"
    EXIT = "exit", "Withdrawal or loss to follow-up"


class Correction(PublicModel):
    """One corrected field of one record."""

    # A screened-out person is no participant: their screening's corrections name the screening.
    participant = models.ForeignKey(
        "patients.Participant",
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
    )
    screening = models.ForeignKey(
        "patients.ScreeningRecord",
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
    )
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    record_id = models.UUIDField(help_text="The corrected record's public id.")
    record_label = models.CharField(max_length=120, help_text="The record as people name it.")
    field = models.CharField(max_length=40)
    field_label = models.CharField(max_length=120)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.CharField(max_length=20, choices=CorrectionReason.choices)
    reason_detail = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-corrected_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        constraints = [
            models.CheckConstraint(
                name="correction_reason_valid", condition=Q(reason__in=CorrectionReason.values)
            ),
            models.CheckConstraint(
                name="correction_names_a_participant_or_a_screening",
                condition=Q(participant__isnull=False) | Q(screening__isnull=False),
            ),
            models.CheckConstraint(
                name="correction_other_is_explained",
                condition=~Q(reason=CorrectionReason.OTHER) | ~Q(reason_detail=""),
            ),
        ]
        triggers = [
            refused_while_locked("participant"),
            pgtrigger.Protect(
                name="correction_is_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_label}: {self.field_label} {self.old_value} -> {self.new_value}"
