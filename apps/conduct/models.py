"""The protocol deviation log: what departed from the protocol, for whom, how serious, and why."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import PublicModel
from apps.core.triggers import refused_while_locked


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


class DeviationRule(models.TextChoices):
    """The checks that raise a deviation by themselves (apps/conduct/checks.py)."""

    CONSENT_SUPERSEDED = "consent_superseded", "Consent on a superseded form version"
    FOLLOW_UP_OUT_OF_WINDOW = "follow_up_out_of_window", "Follow-up dated outside its window"
    RECORDED_WITHOUT_DELEGATION = (
        "recorded_without_delegation",
        "Risk answer recorded without the delegated duty",
    )


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
    # Empty for a deviation the platform raised itself: `rule` then says which check did.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reported_at = models.DateTimeField(default=timezone.now)
    rule = models.CharField(max_length=32, choices=DeviationRule.choices, blank=True)
    rule_key = models.CharField(
        max_length=64, blank=True, help_text="What the check found it on, so it raises it once."
    )

    class Meta:
        triggers = [refused_while_locked("participant")]
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
            models.CheckConstraint(
                name="deviation_has_a_reporter_or_a_rule",
                condition=Q(reported_by__isnull=False) | ~Q(rule=""),
            ),
            models.UniqueConstraint(
                fields=["participant", "rule", "rule_key"],
                condition=~Q(rule=""),
                name="one_deviation_per_rule_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.category} {self.occurred_on}"

    @property
    def reporter(self) -> str:
        """Who reported it: the staff member, or the platform's check that found it."""
        if self.reported_by_id is None:
            return f"QuitPilot check: {self.get_rule_display().lower()}"
        return str(self.reported_by)


class QueryStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class QueryAction(models.TextChoices):
    RAISE = "raise", "Raised"
    ANSWER = "answer", "Answered"
    CLOSE = "close", "Closed"
    REOPEN = "reopen", "Re-opened"


@pghistory.track()
class DataQuery(PublicModel):
    """A question about a participant's data: raised, answered by the site, closed or re-opened."""

    participant = models.ForeignKey(
        "patients.Participant", on_delete=models.PROTECT, related_name="data_queries"
    )
    about = models.CharField(
        max_length=200, blank=True, help_text="The record or field it is about, as people name it."
    )
    text = models.TextField()
    status = models.CharField(max_length=10, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    # Empty for a query one of the platform's data-quality rules raised (`rule` says which).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    raised_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=40, blank=True)
    rule_key = models.CharField(max_length=64, blank=True)

    class Meta:
        triggers = [refused_while_locked("participant")]
        ordering = ["-raised_at", "-id"]
        verbose_name_plural = "data queries"
        constraints = [
            models.CheckConstraint(
                name="query_status_valid", condition=Q(status__in=QueryStatus.values)
            ),
            models.CheckConstraint(name="query_has_text", condition=~Q(text="")),
            models.CheckConstraint(
                name="query_closed_has_a_time",
                condition=~Q(status=QueryStatus.CLOSED) | Q(closed_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["participant", "rule", "rule_key"],
                condition=~Q(rule="") & ~Q(status=QueryStatus.CLOSED),
                name="one_open_query_per_rule_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.status}: {self.text[:40]}"


class DataQueryStep(models.Model):
    """One step of a query's life, kept for good: who did what, when, and what they wrote."""

    query = models.ForeignKey(DataQuery, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=10, choices=QueryAction.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        triggers = [
            refused_while_locked("query"),
            pgtrigger.Protect(
                name="query_step_is_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.query_id} {self.action} {self.at:%Y-%m-%d}"
