"""Measures and safety alerts: read-only, searchable by trial ID."""

from django.contrib import admin

from apps.core.admin import ParticipantRowAdmin, participant_site, trial_id
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)

_MEASURE_FILTERS = ["participant__site", "timepoint", "source"]


@admin.register(PHQ9Response)
class PHQ9ResponseAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "completed_on",
        "timepoint",
        "source",
        "total",
        "severity",
        "risk",
    ]
    list_filter = [*_MEASURE_FILTERS, "severity", "risk"]
    date_hierarchy = "completed_on"


@admin.register(GAD7Response)
class GAD7ResponseAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "completed_on",
        "timepoint",
        "source",
        "total",
        "severity",
    ]
    list_filter = [*_MEASURE_FILTERS, "severity"]
    date_hierarchy = "completed_on"


@admin.register(SmokingStatusReport)
class SmokingStatusReportAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "completed_on",
        "timepoint",
        "source",
        "smoked_last_7_days",
        "smoke_free_since_day_14",
        "quit_attempt_since_last_contact",
    ]
    list_filter = [*_MEASURE_FILTERS, "smoked_last_7_days", "smoke_free_since_day_14"]
    date_hierarchy = "completed_on"


@admin.register(COReading)
class COReadingAdmin(ParticipantRowAdmin):
    list_display = [trial_id, participant_site, "taken_at", "timepoint", "source", "ppm"]
    list_filter = _MEASURE_FILTERS
    date_hierarchy = "taken_at"


class AcknowledgedFilter(admin.SimpleListFilter):
    title = "acknowledged"
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("no", "Open"), ("yes", "Acknowledged")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(acknowledged_at__isnull=self.value() == "no")
        return queryset


@admin.register(SafetyAlert)
class SafetyAlertAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "item9",
        "submitted",
        "raised_at",
        "notified_at",
        "acknowledged_at",
        "acknowledged_by",
        "time_to_acknowledge",
    ]
    list_filter = [AcknowledgedFilter, "participant__site"]
    list_select_related = ["participant__site", "acknowledged_by"]
    date_hierarchy = "raised_at"
