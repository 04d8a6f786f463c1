"""Screening log, participants, consent, baseline, contact details and randomisation."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import validate_email
from django.db import models
from django.db.models import F, Q

from apps.clinical.choices import Arm, ExitReason
from apps.clinical.status import Status
from apps.core.encryption import EncryptedTextField
from apps.core.models import PublicModel, TimeStampedModel
from apps.core.triggers import refused_while_locked


class ScreeningOutcome(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    DECLINED = "declined", "Declined"


class ExclusionReason(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    NOT_DAILY_SMOKER = "not_daily_smoker", "Does not smoke daily"
    NO_DEPRESSION_ANXIETY = "no_depression_anxiety", "No depression or anxiety"
    NOT_STARTING_THERAPY = "not_starting_therapy", "Not about to start Talking Therapies"
    NO_WISH_TO_QUIT = "no_wish_to_quit", "Does not want help to quit"
    SITE_EXCLUSION = "site_exclusion", "Site-specific exclusion"
    OTHER = "other", "Other"


class DeclineReason(models.TextChoices):
    NOT_INTERESTED = "not_interested", "Not interested in research"
    NO_TIME = "no_time", "No time"
    PREFERS_OTHER_SUPPORT = "prefers_other_support", "Prefers other stop smoking support"
    NOT_READY = "not_ready", "Not ready to quit now"
    OTHER = "other", "Other"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_STATED = "not_stated", "Prefer not to say"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


ELIGIBILITY_CRITERIA: tuple[tuple[str, str], ...] = (
    ("aged_18_or_over", "Aged 18 or over"),
    ("smokes_daily", "Smokes daily"),
    ("has_depression_or_anxiety", "Has depression and/or anxiety"),
    ("starting_talking_therapies", "About to start Talking Therapies treatment"),
    ("wants_help_to_quit", "Wants help to quit"),
)


@pghistory.track()
class ScreeningRecord(PublicModel):
    """One person assessed for eligibility; every one counts in the CONSORT flow."""

    site = models.ForeignKey(
        "trial_sites.Site", on_delete=models.PROTECT, related_name="screenings"
    )
    screened_on = models.DateField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    aged_18_or_over = models.BooleanField()
    smokes_daily = models.BooleanField()
    has_depression_or_anxiety = models.BooleanField()
    starting_talking_therapies = models.BooleanField()
    wants_help_to_quit = models.BooleanField()
    outcome = models.CharField(max_length=20, choices=ScreeningOutcome.choices)
    exclusion_reason = models.CharField(max_length=30, choices=ExclusionReason.choices, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    reason_detail = models.CharField(max_length=500, blank=True)

    class Meta:
        triggers = [refused_while_locked("site")]
        ordering = ["-screened_on", "-id"]
        indexes = [models.Index(fields=["site", "outcome"])]
        constraints = [
            models.CheckConstraint(
                name="screening_eligible_meets_all_criteria",
                condition=~Q(outcome=ScreeningOutcome.ELIGIBLE)
                | Q(
                    aged_18_or_over=True,
                    smokes_daily=True,
                    has_depression_or_anxiety=True,
                    starting_talking_therapies=True,
                    wants_help_to_quit=True,
                ),
            ),
            models.CheckConstraint(
                name="screening_not_eligible_has_reason",
                condition=~Q(outcome=ScreeningOutcome.NOT_ELIGIBLE) | ~Q(exclusion_reason=""),
            ),
            models.CheckConstraint(
                name="screening_declined_has_reason",
                condition=~Q(outcome=ScreeningOutcome.DECLINED) | ~Q(decline_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Screening {self.public_id} ({self.get_outcome_display()})"


@pghistory.track()
class Participant(PublicModel):
    """An eligible person in the pilot, known only by a pseudonymous trial ID."""

    trial_id = models.CharField(max_length=12, unique=True)
    site = models.ForeignKey(
        "trial_sites.Site", on_delete=models.PROTECT, related_name="participants"
    )
    screening = models.OneToOneField(
        ScreeningRecord, on_delete=models.PROTECT, related_name="participant"
    )
    assigned_pwp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCREENED)
    screened_on = models.DateField()
    consented_on = models.DateField(null=True, blank=True)
    consent_form_version = models.CharField(max_length=20, blank=True)
    consent_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    randomised_on = models.DateField(null=True, blank=True)
    quit_date = models.DateField(null=True, blank=True)
    exit_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=30, choices=ExitReason.choices, blank=True)
    exit_reason_detail = models.CharField(max_length=500, blank=True)
    # The nested qualitative study: may a researcher contact them about an interview? Asked at
    # consent, changed at any time (None: not asked yet).
    interview_contact = models.BooleanField(
        "Agrees to be contacted about an interview", null=True, blank=True
    )
    interview_contact_on = models.DateField(
        "Interview contact answer given on", null=True, blank=True
    )

    class Meta:
        triggers = [refused_while_locked("site")]
        ordering = ["trial_id"]
        indexes = [models.Index(fields=["site", "status"])]
        constraints = [
            models.CheckConstraint(
                name="participant_interview_contact_dated",
                condition=Q(interview_contact__isnull=True, interview_contact_on__isnull=True)
                | Q(interview_contact__isnull=False, interview_contact_on__isnull=False),
            ),
            models.CheckConstraint(
                name="participant_trial_id_format",
                condition=Q(trial_id__regex=r"^[A-Z]{2,5}-\d{4,}$"),
            ),
            models.CheckConstraint(
                name="participant_consent_not_before_screening",
                condition=Q(consented_on__isnull=True) | Q(consented_on__gte=F("screened_on")),
            ),
            models.CheckConstraint(
                name="participant_consent_complete",
                condition=Q(consented_on__isnull=True)
                | (~Q(consent_form_version="") & Q(consent_taken_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="participant_randomised_after_consent",
                condition=Q(randomised_on__isnull=True)
                | (Q(consented_on__isnull=False) & Q(randomised_on__gte=F("consented_on"))),
            ),
            models.CheckConstraint(
                name="participant_quit_date_not_before_screening",
                condition=Q(quit_date__isnull=True) | Q(quit_date__gte=F("screened_on")),
            ),
            models.CheckConstraint(
                name="participant_exit_has_reason_and_date",
                condition=~Q(status__in=[Status.WITHDRAWN, Status.LOST])
                | (Q(exit_on__isnull=False) & ~Q(exit_reason="")),
            ),
            models.CheckConstraint(
                name="participant_exit_not_before_screening",
                condition=Q(exit_on__isnull=True) | Q(exit_on__gte=F("screened_on")),
            ),
            models.CheckConstraint(
                name="participant_status_valid", condition=Q(status__in=Status.values)
            ),
        ]

    def __str__(self) -> str:
        return self.trial_id


@pghistory.track()
class Baseline(TimeStampedModel):
    """Smoking and demographic baseline, taken at consent/randomisation."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="baseline"
    )
    recorded_on = models.DateField()
    cigarettes_per_day = models.PositiveSmallIntegerField()
    minutes_to_first_cigarette = models.PositiveSmallIntegerField()
    hsi_score = models.PositiveSmallIntegerField()
    hsi_band = models.CharField(max_length=10)
    sex = models.CharField(max_length=20, choices=Sex.choices)
    year_of_birth = models.PositiveSmallIntegerField()

    class Meta:
        triggers = [refused_while_locked("participant")]
        constraints = [
            models.CheckConstraint(
                name="baseline_cigarettes_plausible",
                condition=Q(cigarettes_per_day__gte=1) & Q(cigarettes_per_day__lte=100),
            ),
            models.CheckConstraint(
                name="baseline_minutes_plausible", condition=Q(minutes_to_first_cigarette__lte=1440)
            ),
            models.CheckConstraint(name="baseline_hsi_0_6", condition=Q(hsi_score__lte=6)),
            models.CheckConstraint(
                name="baseline_hsi_band_valid", condition=Q(hsi_band__in=["low", "medium", "high"])
            ),
            models.CheckConstraint(
                name="baseline_year_of_birth_plausible",
                condition=Q(year_of_birth__gte=1900) & Q(year_of_birth__lte=2100),
            ),
        ]


# The audit trail keeps who changed which address and when, never the values: the addresses
# are left out of the event table's snapshot, and the service that changes or erases them adds
# a manual event naming the field (apps.patients.contact_audit).
CONTACT_VALUE_FIELDS = ("email", "mobile")
CONTACT_EVENT_LABELS = (
    *(f"{name}.{what}" for name in CONTACT_VALUE_FIELDS for what in ("recorded", "changed")),
    "contact.erased",
)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    *(pghistory.ManualEvent(label) for label in CONTACT_EVENT_LABELS),
    exclude=list(CONTACT_VALUE_FIELDS),
)
class ContactDetails(TimeStampedModel):
    """How to reach a participant; kept apart so exports and most screens never load it.

    The addresses are encrypted at rest (apps.core.encryption): nothing may filter on them.
    """

    # Read by apps.core.admin: the audit table of contact details is for superusers only.
    audit_superuser_only = True

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="contact_details"
    )
    email = EncryptedTextField(blank=True, max_length=254, validators=[validate_email])
    mobile = EncryptedTextField(blank=True, max_length=20)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices)
    consent_to_contact = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "contact details"
        constraints = [
            models.CheckConstraint(
                name="contact_has_preferred_channel_address",
                condition=(Q(preferred_channel=Channel.EMAIL) & ~Q(email=""))
                | (Q(preferred_channel=Channel.SMS) & ~Q(mobile="")),
            )
        ]


class RandomisationBlock(models.Model):
    """A permuted block of arms for one site; concealed: never shown in pages or the API."""

    site = models.ForeignKey("trial_sites.Site", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField()
    arms = ArrayField(models.CharField(max_length=20, choices=Arm.choices))
    next_position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        triggers = [refused_while_locked("site")]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "sequence"], name="one_block_per_site_sequence"
            ),
            models.CheckConstraint(
                name="block_position_within_size",
                condition=Q(next_position__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"Block {self.sequence} at site {self.site_id}"


@pghistory.track()
class Allocation(models.Model):
    """The arm a participant was randomised to: exactly one, never changed."""

    # Read by apps.core.admin: its block and position would reveal the arms still to come.
    audit_superuser_only = True

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="allocation"
    )
    arm = models.CharField(max_length=20, choices=Arm.choices)
    block = models.ForeignKey(
        RandomisationBlock, on_delete=models.PROTECT, related_name="allocations"
    )
    position = models.PositiveSmallIntegerField()
    allocated_at = models.DateTimeField()
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["block", "position"], name="one_allocation_per_block_slot"
            ),
            models.CheckConstraint(name="allocation_arm_valid", condition=Q(arm__in=Arm.values)),
        ]
        triggers = [
            refused_while_locked("participant"),
            pgtrigger.Protect(
                name="allocation_is_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} -> {self.arm}"
