"""Adverse events: recorded for consented participants, each update kept by the audit trail."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from apps.core.models import PublicModel
from apps.core.triggers import refused_while_locked


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class Seriousness(models.TextChoices):
    DEATH = "death", "Results in death"
    LIFE_THREATENING = "life_threatening", "Is life-threatening"
    HOSPITALISATION = "hospitalisation", "Needs hospitalisation or prolongs it"
    DISABILITY = "disability", "Results in persistent or significant disability"
    CONGENITAL_ANOMALY = "congenital_anomaly", "Is a congenital anomaly or birth defect"
    OTHER_IMPORTANT = "other_important", "Is another important medical event"


class Relatedness(models.TextChoices):
    NOT_RELATED = "not_related", "Not related"
    UNLIKELY = "unlikely", "Unlikely"
    POSSIBLY = "possibly", "Possibly"
    PROBABLY = "probably", "Probably"
    DEFINITELY = "definitely", "Definitely"


class Outcome(models.TextChoices):
    RECOVERED = "recovered", "Recovered"
    RECOVERING = "recovering", "Recovering"
    NOT_RECOVERED = "not_recovered", "Not recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae", "Recovered with sequelae"
    FATAL = "fatal", "Fatal"
    UNKNOWN = "unknown", "Unknown"


@pghistory.track()
class AdverseEvent(PublicModel):
    """An untoward medical occurrence in a participant; serious ones start a 24-hour clock."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="adverse_events"
    )
    onset_on = models.DateField("Onset date")
    description = models.TextField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    serious = models.BooleanField(default=False)
    seriousness_criteria = ArrayField(
        models.CharField(max_length=20, choices=Seriousness.choices), default=list, blank=True
    )
    relatedness = models.CharField(
        "Relatedness to the cessation treatment", max_length=12, choices=Relatedness.choices
    )
    expected = models.BooleanField(null=True, blank=True)
    action_taken = models.TextField(blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    resolved_on = models.DateField("Resolution date", null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    aware_at = models.DateTimeField(help_text="When the study team became aware of the event.")
    serious_since = models.DateTimeField(
        null=True, blank=True, help_text="When the team knew it was serious: the 24-hour clock."
    )
    sae_notified_at = models.DateTimeField(null=True, blank=True)
    reported_to_sponsor_at = models.DateTimeField(null=True, blank=True)
    reported_to_sponsor_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        triggers = [refused_while_locked("participant")]
        ordering = ["-onset_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="ae_serious_has_criteria",
                condition=Q(serious=True, seriousness_criteria__len__gt=0)
                | Q(serious=False, seriousness_criteria=[]),
            ),
            models.CheckConstraint(
                name="ae_fatal_has_date_of_death",
                condition=Q(outcome="fatal", date_of_death__isnull=False)
                | (~Q(outcome="fatal") & Q(date_of_death__isnull=True)),
            ),
            models.CheckConstraint(
                name="ae_resolved_after_onset",
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("onset_on")),
            ),
            models.CheckConstraint(
                name="ae_serious_clock",
                condition=Q(serious=False) | Q(serious_since__isnull=False),
            ),
            models.CheckConstraint(
                name="ae_sponsor_report_complete",
                condition=Q(
                    reported_to_sponsor_at__isnull=True, reported_to_sponsor_by__isnull=True
                )
                | Q(reported_to_sponsor_at__isnull=False, reported_to_sponsor_by__isnull=False),
            ),
        ]

    @property
    def seriousness_labels(self) -> list[str]:
        """The seriousness criteria in words."""
        labels = dict(Seriousness.choices)
        return [labels.get(code, code) for code in self.seriousness_criteria]

    def __str__(self) -> str:
        kind = "SAE" if self.serious else "AE"
        return f"{kind} for {self.participant} from {self.onset_on:%-d %b %Y}"
