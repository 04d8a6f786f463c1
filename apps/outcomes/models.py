"""Measures (PHQ-9, GAD-7, smoking status, CO), safety alerts and questionnaire links."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.clinical.choices import Timepoint
from apps.clinical.scoring import PHQ9_DIFFICULTY_CHOICES
from apps.core.models import PublicModel, TimeStampedModel
from apps.core.triggers import not_before_screening, refused_while_locked


class Source(models.TextChoices):
    IN_SESSION = "in_session", "In session"
    ONLINE = "online", "Online questionnaire"
    PHONE = "phone", "Phone follow-up"


PHQ9_SEVERITIES = ["minimal", "mild", "moderate", "moderately severe", "severe"]
GAD7_SEVERITIES = ["minimal", "mild", "moderate", "severe"]


def _item_checks(prefix: str, count: int) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            name=f"{prefix}_item{i}_0_to_3",
            condition=Q(**{f"item{i}__gte": 0}) & Q(**{f"item{i}__lte": 3}),
        )
        for i in range(1, count + 1)
    ]


def _sum_of_items(count: int):
    total = F("item1")
    for i in range(2, count + 1):
        total = total + F(f"item{i}")
    return total


class Measure(PublicModel):
    """What every recorded measure shares: who, when, where from, which contact."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField()
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    session = models.ForeignKey(
        "cessation.CessationSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up = models.ForeignKey(
        "reminders.FollowUp", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


@pghistory.track()
class PHQ9Response(Measure):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="phq9_responses"
    )
    item1 = models.SmallIntegerField()
    item2 = models.SmallIntegerField()
    item3 = models.SmallIntegerField()
    item4 = models.SmallIntegerField()
    item5 = models.SmallIntegerField()
    item6 = models.SmallIntegerField()
    item7 = models.SmallIntegerField()
    item8 = models.SmallIntegerField()
    item9 = models.SmallIntegerField()
    # The optional "how difficult" question: recorded, never part of total, severity or risk.
    difficulty = models.SmallIntegerField(
        "difficulty (not scored)", choices=PHQ9_DIFFICULTY_CHOICES, null=True, blank=True
    )
    total = models.SmallIntegerField()
    severity = models.CharField(max_length=20)
    risk = models.BooleanField()
    scoring_version = models.CharField(max_length=20)

    class Meta:
        verbose_name = "PHQ-9 response"
        ordering = ["participant", "completed_on", "id"]
        indexes = [models.Index(fields=["participant", "timepoint"])]
        constraints = [
            *_item_checks("phq9", 9),
            models.CheckConstraint(name="phq9_total_is_sum", condition=Q(total=_sum_of_items(9))),
            models.CheckConstraint(
                name="phq9_severity_valid", condition=Q(severity__in=PHQ9_SEVERITIES)
            ),
            models.CheckConstraint(name="phq9_risk_is_item9", condition=Q(risk=Q(item9__gt=0))),
            models.CheckConstraint(
                name="phq9_difficulty_null_or_0_to_3",
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=0, difficulty__lte=3),
            ),
        ]
        triggers = [refused_while_locked("participant"), not_before_screening("completed_on")]

    @property
    def items(self) -> list[int]:
        """The nine item answers in order."""
        return [getattr(self, f"item{i}") for i in range(1, 10)]


@pghistory.track()
class GAD7Response(Measure):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="gad7_responses"
    )
    item1 = models.SmallIntegerField()
    item2 = models.SmallIntegerField()
    item3 = models.SmallIntegerField()
    item4 = models.SmallIntegerField()
    item5 = models.SmallIntegerField()
    item6 = models.SmallIntegerField()
    item7 = models.SmallIntegerField()
    total = models.SmallIntegerField()
    severity = models.CharField(max_length=20)
    scoring_version = models.CharField(max_length=20)

    class Meta:
        verbose_name = "GAD-7 response"
        ordering = ["participant", "completed_on", "id"]
        indexes = [models.Index(fields=["participant", "timepoint"])]
        constraints = [
            *_item_checks("gad7", 7),
            models.CheckConstraint(name="gad7_total_is_sum", condition=Q(total=_sum_of_items(7))),
            models.CheckConstraint(
                name="gad7_severity_valid", condition=Q(severity__in=GAD7_SEVERITIES)
            ),
        ]
        triggers = [refused_while_locked("participant"), not_before_screening("completed_on")]

    @property
    def items(self) -> list[int]:
        """The seven item answers in order."""
        return [getattr(self, f"item{i}") for i in range(1, 8)]


@pghistory.track()
class SmokingStatusReport(Measure):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="smoking_reports"
    )
    smoke_free_since_day_14 = models.BooleanField(
        null=True, blank=True, help_text="Not even a puff since 14 days after the quit date."
    )
    cigarettes_since_day_14 = models.PositiveIntegerField(null=True, blank=True)
    smoked_last_7_days = models.BooleanField()
    # (2nd ed.) "If you have stopped smoking, on what date did you stop?": asked at 3 and 6
    # months of everyone not smoking in the last 7 days; the earliest is the reference quit date
    # of a participant without a session quit date.
    stopped_on = models.DateField("Stopped smoking on", null=True, blank=True)
    cigarettes_last_7_days = models.PositiveIntegerField(default=0)
    quit_attempt_since_last_contact = models.BooleanField()
    uses_e_cigarette = models.BooleanField()
    uses_stop_smoking_medication = models.BooleanField()
    # Asked at 3 and 6 months of those still smoking: the Heaviness of Smoking Index at follow-up
    # (blank where not asked or not answered).
    cigarettes_per_day = models.PositiveSmallIntegerField(
        "Cigarettes per day now", null=True, blank=True
    )
    minutes_to_first_cigarette = models.PositiveSmallIntegerField(
        "Minutes from waking to the first cigarette", null=True, blank=True
    )

    class Meta:
        ordering = ["participant", "completed_on", "id"]
        indexes = [models.Index(fields=["participant", "timepoint"])]
        constraints = [
            models.CheckConstraint(
                name="smoking_no_cigarettes_when_not_smoked",
                condition=Q(smoked_last_7_days=True) | Q(cigarettes_last_7_days=0),
            ),
            models.CheckConstraint(
                name="smoking_cigarettes_7d_plausible",
                condition=Q(cigarettes_last_7_days__lte=1000),
            ),
            models.CheckConstraint(
                name="smoking_stop_date_only_when_not_smoking",
                condition=Q(stopped_on__isnull=True) | Q(smoked_last_7_days=False),
            ),
            models.CheckConstraint(
                name="smoking_stop_date_not_after_report",
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__lte=F("completed_on")),
            ),
            # "Smoke free since day 14" is not a puff; a count above 0 contradicts it.
            models.CheckConstraint(
                name="smoking_smoke_free_means_no_cigarettes",
                condition=~Q(smoke_free_since_day_14=True)
                | Q(cigarettes_since_day_14__isnull=True)
                | Q(cigarettes_since_day_14=0),
            ),
            models.CheckConstraint(
                name="smoking_heaviness_only_when_smoking",
                condition=Q(smoked_last_7_days=True)
                | (Q(cigarettes_per_day__isnull=True) & Q(minutes_to_first_cigarette__isnull=True)),
            ),
            models.CheckConstraint(
                name="smoking_heaviness_plausible",
                condition=(Q(cigarettes_per_day__isnull=True) | Q(cigarettes_per_day__lte=100))
                & (
                    Q(minutes_to_first_cigarette__isnull=True)
                    | Q(minutes_to_first_cigarette__lte=1440)
                ),
            ),
        ]
        triggers = [refused_while_locked("participant"), not_before_screening("completed_on")]


@pghistory.track()
class TherapySessionsReport(Measure):
    """Usual psychological care: Talking Therapies sessions since randomisation, reported at the
    3- or 6-month follow-up (counts are cumulative)."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="therapy_reports"
    )
    sessions_planned = models.PositiveSmallIntegerField("Talking Therapies sessions planned")
    sessions_attended = models.PositiveSmallIntegerField("Talking Therapies sessions attended")
    sessions_dna = models.PositiveSmallIntegerField("Talking Therapies sessions not attended")

    class Meta:
        ordering = ["participant", "completed_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="therapy_sessions_add_up",
                condition=Q(sessions_planned__gte=F("sessions_attended") + F("sessions_dna"))
                & Q(sessions_planned__lte=60),
            ),
            models.CheckConstraint(
                name="therapy_sessions_at_3_or_6_months",
                condition=Q(timepoint__in=["month3", "month6"]),
            ),
        ]
        triggers = [refused_while_locked("participant"), not_before_screening("completed_on")]


@pghistory.track()
class COReading(PublicModel):
    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="co_readings"
    )
    ppm = models.SmallIntegerField("CO (ppm)")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    timepoint = models.CharField(max_length=20, choices=Timepoint.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.IN_SESSION)
    session = models.ForeignKey(
        "cessation.CessationSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_readings",
    )
    follow_up = models.ForeignKey(
        "reminders.FollowUp", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "CO reading"
        ordering = ["participant", "taken_at"]
        indexes = [models.Index(fields=["participant", "timepoint"])]
        constraints = [
            models.CheckConstraint(
                name="co_ppm_0_to_100", condition=Q(ppm__gte=0) & Q(ppm__lte=100)
            ),
        ]
        triggers = [refused_while_locked("participant"), not_before_screening("taken_at")]


@pghistory.track()
class SafetyAlert(PublicModel):
    """Raised by a PHQ-9 item 9 above 0 as soon as the answer reaches the server (a stored PHQ-9,
    or a page of a patient's questionnaire saved as a draft); open until a clinician records the
    action taken. A later change of the draft's answer is noted, never withdraws it."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="safety_alerts"
    )
    phq9 = models.OneToOneField(
        PHQ9Response,
        on_delete=models.PROTECT,
        related_name="safety_alert",
        null=True,
        blank=True,
        help_text="The stored PHQ-9; empty while the answer is only on an unsubmitted draft.",
    )
    questionnaire_link = models.OneToOneField(
        "reminders.QuestionnaireLink",
        on_delete=models.PROTECT,
        related_name="safety_alert",
        null=True,
        blank=True,
        help_text="The patient's questionnaire whose saved draft first gave the answer.",
    )
    item9 = models.PositiveSmallIntegerField(help_text="The item 9 answer that raised the alert.")
    item9_now = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The draft's item 9 answer after it was changed (empty when never changed).",
    )
    item9_changed_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = models.TextField(blank=True)
    time_to_acknowledge = models.DurationField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        triggers = [refused_while_locked("participant")]
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                name="alert_acknowledgement_complete",
                condition=Q(
                    acknowledged_at__isnull=True,
                    acknowledged_by__isnull=True,
                    action_taken="",
                    time_to_acknowledge__isnull=True,
                )
                | (
                    Q(
                        acknowledged_at__isnull=False,
                        acknowledged_by__isnull=False,
                        time_to_acknowledge__isnull=False,
                    )
                    & ~Q(action_taken="")
                ),
            ),
            models.CheckConstraint(
                name="alert_acknowledged_after_raised",
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("raised_at")),
            ),
            models.CheckConstraint(
                name="alert_has_a_source",
                condition=Q(phq9__isnull=False) | Q(questionnaire_link__isnull=False),
            ),
            models.CheckConstraint(name="alert_item9_raised", condition=Q(item9__range=(1, 3))),
            models.CheckConstraint(
                name="alert_item9_change_complete",
                condition=Q(item9_now__isnull=True, item9_changed_at__isnull=True)
                | Q(item9_now__range=(0, 3), item9_changed_at__isnull=False),
            ),
        ]

    @property
    def is_open(self) -> bool:
        """Whether no clinician has acknowledged it yet."""
        return self.acknowledged_at is None

    @property
    def submitted(self) -> bool:
        """Whether the answer is in a stored PHQ-9 (not only on a questionnaire's draft)."""
        return self.phq9_id is not None

    @property
    def source_note(self) -> str:
        """Where the answer came from, in words for staff."""
        if not self.submitted:
            return "answered on the questionnaire, not submitted"
        if self.questionnaire_link_id is not None:
            return "answered on the questionnaire, then submitted"
        return self.phq9.get_source_display().lower()


class EscalationLevel(models.TextChoices):
    SITE_LEAD = "site_lead", "Site lead"
    TRIAL_MANAGER = "trial_manager", "Trial manager"


class EscalationStatus(models.TextChoices):
    PENDING = "pending", "Due later"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Not needed (acknowledged first)"
    UNCONFIRMED = "unconfirmed", "Sending was interrupted: check the mail log, not resent"


@pghistory.track()
class AlertEscalation(TimeStampedModel):
    """One planned escalation email of an unacknowledged alert: an outbox row, sent once.

    Planned when the alert is raised (site lead after the first interval of working hours, the
    trial manager after a second); acknowledging the alert cancels what is still due.
    """

    alert = models.ForeignKey(SafetyAlert, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=16, choices=EscalationLevel.choices)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=EscalationStatus.choices, default=EscalationStatus.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True, help_text="Who was emailed, comma-separated.")

    class Meta:
        triggers = [refused_while_locked("alert")]
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level"], name="one_escalation_per_level"),
            models.CheckConstraint(
                name="escalation_status_valid", condition=Q(status__in=EscalationStatus.values)
            ),
            models.CheckConstraint(
                name="escalation_sent_has_time_and_recipients",
                condition=~Q(status=EscalationStatus.SENT)
                | (Q(sent_at__isnull=False) & ~Q(recipients="")),
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation of {self.alert.participant} to the {self.get_level_display().lower()}"
