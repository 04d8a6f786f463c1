"""Cessation sessions delivered by PWPs, with BCTs and pharmacotherapy."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.clinical.protocol import (
    BCT,
    MAX_SESSIONS,
    Attendance,
    Product,
    ProductAction,
    SessionMode,
    SessionType,
)
from apps.core.models import PublicModel, TimeStampedModel
from apps.core.triggers import not_before_screening, refused_while_locked


@pghistory.track()
class CessationSession(PublicModel):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="sessions"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cessation_sessions"
    )
    number = models.PositiveSmallIntegerField()
    session_date = models.DateField()
    session_type = models.CharField(max_length=20, choices=SessionType.choices)
    mode = models.CharField(max_length=20, choices=SessionMode.choices, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    bcts_delivered = ArrayField(
        models.CharField(max_length=40, choices=BCT.choices), default=list, blank=True
    )
    quit_date_set = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # (2nd ed.) Set only for a control-arm participant: the session is that deviation.
    contamination_deviation = models.OneToOneField(
        "conduct.ProtocolDeviation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="contaminating_session",
    )
    submission_key = models.UUIDField(
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Key of the form submission that created it, so a retry stores one session.",
    )

    class Meta:
        ordering = ["participant", "session_date", "number"]
        indexes = [models.Index(fields=["practitioner", "session_date"])]
        constraints = [
            models.CheckConstraint(
                name="session_number_1_to_max",
                condition=Q(number__gte=1) & Q(number__lte=MAX_SESSIONS),
            ),
            models.CheckConstraint(
                name="session_attended_has_mode_and_duration",
                condition=~Q(attendance=Attendance.ATTENDED)
                | (~Q(mode="") & Q(duration_minutes__gte=1) & Q(duration_minutes__lte=240)),
            ),
            models.CheckConstraint(
                name="session_not_attended_delivers_nothing",
                condition=Q(attendance=Attendance.ATTENDED)
                | (Q(bcts_delivered=[]) & Q(quit_date_set__isnull=True)),
            ),
            models.UniqueConstraint(
                fields=["participant", "number"],
                condition=Q(attendance=Attendance.ATTENDED),
                name="one_attended_session_per_number",
            ),
        ]
        triggers = [
            refused_while_locked("participant"),
            not_before_screening("session_date"),
            not_before_screening("quit_date_set"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} session {self.number} ({self.session_date})"


@pghistory.track()
class PharmacotherapyRecord(TimeStampedModel):
    session = models.ForeignKey(
        CessationSession, on_delete=models.CASCADE, related_name="pharmacotherapy"
    )
    product = models.CharField(max_length=20, choices=Product.choices)
    action = models.CharField(max_length=20, choices=ProductAction.choices)

    class Meta:
        triggers = [refused_while_locked("session")]
        constraints = [
            models.UniqueConstraint(fields=["session", "product"], name="one_record_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} ({self.get_action_display()})"
