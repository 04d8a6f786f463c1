"""Metric snapshots, progression thresholds and the export access log."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.core.models import PublicModel, TimeStampedModel


class SnapshotStatus(models.TextChoices):
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class MetricSnapshot(TimeStampedModel):
    """All feasibility metrics computed at one moment; pages read these, never raw rows."""

    status = models.CharField(max_length=10, choices=SnapshotStatus.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The same document packed for the dashboard page (snapshot_document.py), and its randomised
    # flag on its own: reading either from `data` would detoast the whole document.
    document = models.BinaryField(default=bytes)
    randomised = models.BooleanField(default=True)
    # The document's layout version (snapshots.SNAPSHOT_SCHEMA): pages read only the current
    # one, so a deploy that adds counters never shows a document without them.
    schema = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(name="snapshot_progress_0_100", condition=Q(progress__lte=100))
        ]


@pghistory.track()
class ProgressionCriterion(TimeStampedModel):
    """A traffic-light threshold: green at or above green_from, amber at or above amber_from."""

    key = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=200)
    green_from = models.DecimalField(max_digits=5, decimal_places=2)
    amber_from = models.DecimalField(max_digits=5, decimal_places=2)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order"]
        constraints = [
            models.CheckConstraint(
                name="criterion_amber_not_above_green",
                condition=Q(amber_from__lte=F("green_from"))
                & Q(amber_from__gte=0)
                & Q(green_from__lte=100),
            )
        ]

    def __str__(self) -> str:
        return self.label


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    STATA = "dta", "Stata (.dta)"
    SPSS = "sav", "SPSS (.sav)"
    PDF = "pdf", "PDF"
    HTML = "html", "HTML"


class ExportDataset(models.TextChoices):
    WIDE = "wide", "Wide: one row per participant"
    LONG = "long", "Long: one row per measure"
    DICTIONARY = "dictionary", "Data dictionary"
    ADVERSE_EVENTS = "adverse_events", "Adverse events: one row per event"
    DEVIATIONS = "deviations", "Protocol deviations: one row per deviation"
    STEERING_REPORT = "steering_report", "Steering committee report"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "File deleted"


@pghistory.track()
class ExportJob(PublicModel):
    """One requested export: also the access log of who exported what, and when."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dataset = models.CharField(max_length=20, choices=ExportDataset.choices)
    file_format = models.CharField(max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the file was deleted under the retention rule."
    )
    error = models.TextField(blank=True)
    data_lock = models.TextField(
        blank=True,
        help_text="The database locks holding when the file was built; empty: nothing was locked.",
    )

    class Meta:
        ordering = ["-created_at"]
