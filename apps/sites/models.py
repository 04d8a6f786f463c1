"""Sites (Talking Therapies services) and the pilot's own configuration."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from apps.clinical import source_verification
from apps.clinical.protocol import (
    DEFAULT_MINIMUM_SESSIONS,
    DEFAULT_TREATMENT_WEEKS,
    MAX_SESSIONS,
    MAX_TREATMENT_WEEKS,
    duplicate_expected_bcts,
)
from apps.core.models import TimeStampedModel


@pghistory.track()
class Site(TimeStampedModel):
    code = models.CharField(
        max_length=5, unique=True, help_text="Short upper-case code that prefixes trial IDs."
    )
    name = models.CharField(max_length=200)
    ods_code = models.CharField("NHS ODS code", max_length=10, unique=True)
    recruitment_target = models.PositiveIntegerField(default=0)
    recruitment_opens_on = models.DateField()
    recruitment_closes_on = models.DateField()
    is_active = models.BooleanField(default=True)
    next_participant_number = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recruitment_closes_on__gte=F("recruitment_opens_on")),
                name="site_recruitment_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2,5}$"), name="site_code_upper_letters"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def default_consent_versions() -> list[str]:
    return ["v1.0"]


@pghistory.track()
class Pilot(TimeStampedModel):
    """The trial being run: one row; holds the switches that change how it runs."""

    name = models.CharField(max_length=200, default="QuitPilot feasibility pilot")
    is_randomised = models.BooleanField(
        default=True, help_text="Off runs a single-arm pilot: enrol, no allocation."
    )
    consent_form_versions = ArrayField(
        models.CharField(max_length=20), default=default_consent_versions
    )
    current_consent_form_version = models.CharField(max_length=20, default="v1.0")
    current_consent_form_from = models.DateField(
        "current consent form in use from",
        null=True,
        blank=True,
        help_text=(
            "The day the current version took effect. Consent on an earlier version dated before "
            "it is no deviation; on or after it, it is one (empty: always current)."
        ),
    )
    data_quality_rules = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Overrides of the data-quality rules that raise queries (apps/conduct/data_quality.py"
            ": co_contradicts_report, follow_up_out_of_window, phq9_jump (a number), "
            "missing_baseline, consent_superseded); false switches one off."
        ),
    )
    expected_bcts = models.JSONField(
        default=dict, blank=True, help_text="Session type -> BCT codes the protocol expects."
    )
    source_verification_areas = models.JSONField(
        "areas to verify against source",
        default=list,
        blank=True,
        help_text=(
            "The monitoring plan's areas a monitor verifies for each participant (apps/clinical/"
            "source_verification.py: eligibility, consent, randomisation, baseline, sessions, "
            "four_week, primary, six_month, safety); empty: eligibility, consent, randomisation, "
            "primary and safety."
        ),
    )
    minimum_sessions = models.PositiveSmallIntegerField(
        default=DEFAULT_MINIMUM_SESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSIONS)],
        help_text="Sessions an intervention participant must attend to count as adherent.",
    )
    treatment_weeks = models.PositiveSmallIntegerField(
        "treatment period (weeks)",
        default=DEFAULT_TREATMENT_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TREATMENT_WEEKS)],
        help_text="Sessions are offered for this many weeks from the first attended session.",
    )
    study_team_phone = models.CharField(
        "study team phone number",
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ]{5,20}[0-9]$",
                "Enter a phone number: digits and spaces, optionally starting with +.",
            )
        ],
        help_text="Shown to patients on every questionnaire page: how to reach the study team.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name"], name="one_pilot_per_name"),
            models.CheckConstraint(
                condition=Q(minimum_sessions__gte=1) & Q(minimum_sessions__lte=MAX_SESSIONS),
                name="pilot_minimum_sessions_in_range",
            ),
            models.CheckConstraint(
                condition=Q(treatment_weeks__gte=1, treatment_weeks__lte=MAX_TREATMENT_WEEKS),
                name="pilot_treatment_weeks_1_52",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse expected BCTs that are not a list per type or repeat a BCT, and unknown areas."""
        area_errors = source_verification.areas_errors(self.source_verification_areas)
        if area_errors:
            raise ValidationError({"source_verification_areas": area_errors})
        config = self.expected_bcts
        if not isinstance(config, dict) or not all(
            isinstance(codes, list) and all(isinstance(code, str) for code in codes)
            for codes in config.values()
        ):
            raise ValidationError({"expected_bcts": "Give each session type a list of BCT codes."})
        duplicates = duplicate_expected_bcts(config)
        if duplicates:
            listed = "; ".join(
                f"{session_type}: {', '.join(codes)}" for session_type, codes in duplicates.items()
            )
            message = f"Each BCT can be expected only once per session type ({listed})."
            raise ValidationError({"expected_bcts": message})


@pghistory.track()
class DataLock(TimeStampedModel):
    """The pilot (no site) or one site frozen for analysis: while it holds, the database refuses
    every write to the participants' records (apps/core/triggers.py, refused_while_locked)."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="data_locks"
    )
    reason = models.TextField()
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(default=timezone.now)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlock_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-locked_at", "-id"]
        constraints = [
            # One active lock per scope; NULLS NOT DISTINCT makes that one for the pilot too.
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(unlocked_at__isnull=True),
                nulls_distinct=False,
                name="one_active_data_lock_per_scope",
            ),
            models.CheckConstraint(
                name="data_lock_unlock_is_complete",
                condition=Q(unlocked_at__isnull=True, unlocked_by__isnull=True, unlock_reason="")
                | (Q(unlocked_at__isnull=False, unlocked_by__isnull=False) & ~Q(unlock_reason="")),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="data_lock_is_never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="data_lock_lifted_once",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__unlocked_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_label} locked {self.locked_at:%Y-%m-%d}"

    @property
    def scope_label(self) -> str:
        """What the lock freezes, as people say it."""
        return "The whole pilot" if self.site_id is None else f"Site {self.site}"

    @property
    def is_active(self) -> bool:
        """Whether it still holds."""
        return self.unlocked_at is None
