"""Metric snapshots and the export log (read-only); progression thresholds are configuration."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.dashboards.models import ExportJob, MetricSnapshot, ProgressionCriterion


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "status", "progress", "finished_at", "requested_by"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    date_hierarchy = "started_at"


@admin.register(ProgressionCriterion)
class ProgressionCriterionAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "green_from", "amber_from", "display_order"]
    list_editable = ["green_from", "amber_from", "display_order"]
    search_fields = ["label", "key"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Who exported what, and when: the access log of analysis exports."""

    list_display = [
        "created_at",
        "requested_by",
        "dataset",
        "file_format",
        "status",
        "row_count",
        "downloaded_at",
    ]
    list_filter = ["dataset", "file_format", "status"]
    search_fields = ["requested_by__email"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    exclude = ["file_path"]
