"""Cessation sessions and pharmacotherapy: read-only, searchable by trial ID."""

from django.contrib import admin

from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.core.admin import ParticipantRowAdmin, ReadOnlyAdmin, participant_site, trial_id


class PharmacotherapyInline(admin.TabularInline):
    model = PharmacotherapyRecord
    extra = 0
    can_delete = False
    fields = ["product", "action"]
    readonly_fields = ["product", "action"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CessationSession)
class CessationSessionAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "number",
        "session_date",
        "session_type",
        "attendance",
        "mode",
        "duration_minutes",
        "practitioner",
    ]
    list_filter = ["participant__site", "session_type", "attendance", "mode"]
    list_select_related = ["participant__site", "practitioner"]
    date_hierarchy = "session_date"
    exclude = ["submission_key"]
    inlines = [PharmacotherapyInline]


@admin.register(PharmacotherapyRecord)
class PharmacotherapyRecordAdmin(ReadOnlyAdmin):
    list_display = ["session_trial_id", "session", "product", "action"]
    list_filter = ["product", "action", "session__participant__site"]
    search_fields = ["session__participant__trial_id"]
    search_help_text = "Search by trial ID."
    list_select_related = ["session__participant"]
    show_full_result_count = False

    @admin.display(description="trial ID", ordering="session__participant__trial_id")
    def session_trial_id(self, obj) -> str:
        return obj.session.participant.trial_id
