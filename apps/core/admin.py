"""Shared admin pieces, and the read-only audit (event) tables.

Clinical and participant rows are written through services, which apply the trial's rules and
their side effects (follow-up schedules, reminders, safety alerts); the admin therefore shows
them read-only. Configuration (sites, pilot, staff, thresholds) stays editable.
"""

from django.contrib import admin
from pghistory import core as pghistory_core
from pghistory.admin import EventModelAdmin, EventsAdmin

from apps.core.models import IdempotencyRecord


def is_superuser_only_event_model(event_model) -> bool:
    """Whether an event table holds values only superusers may read: its tracked model says so
    with `audit_superuser_only = True` (core names no other app's models)."""
    tracked = getattr(event_model, "pgh_tracked_model", None)
    return bool(getattr(tracked, "audit_superuser_only", False))


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only admin: nothing can be added, changed or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SuperuserOnlyMixin:
    """Hides a model from everyone but superusers (the admin then answers 403/404)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.display(description="trial ID", ordering="participant__trial_id")
def trial_id(obj) -> str:
    """The trial ID of the row's participant."""
    return obj.participant.trial_id


@admin.display(description="site", ordering="participant__site__code")
def participant_site(obj) -> str:
    """The site code of the row's participant."""
    return obj.participant.site.code


class ParticipantRowAdmin(ReadOnlyAdmin):
    """Read-only admin for rows that belong to a participant: searchable by trial ID."""

    search_fields = ["participant__trial_id"]
    search_help_text = "Search by trial ID (e.g. BRS-0001)."
    list_select_related = ["participant__site"]
    show_full_result_count = False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(SuperuserOnlyMixin, ReadOnlyAdmin):
    list_display = ["method_path", "key", "user", "status_code", "created_at"]
    list_filter = ["status_code"]
    search_fields = ["key", "method_path", "user__email"]
    list_select_related = ["user"]
    exclude = ["response_body"]


class AuditEventAdmin(EventModelAdmin):
    """An append-only event table: readable, never editable (the database refuses anyway)."""

    list_display = ["pgh_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id"]
    date_hierarchy = "pgh_created_at"
    show_full_result_count = False

    def has_view_permission(self, request, obj=None) -> bool:
        if is_superuser_only_event_model(self.model):
            return request.user.is_active and request.user.is_superuser
        return super().has_view_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        if is_superuser_only_event_model(self.model):
            return request.user.is_active and request.user.is_superuser
        return super().has_module_permission(request)


class AllEventsAdmin(SuperuserOnlyMixin, EventsAdmin):
    """Events across every table, contact details included: superusers only.

    pghistory.admin registers the aggregate events page itself, after this module is imported;
    settings.PGHISTORY_ADMIN_CLASS = "apps.core.admin.AllEventsAdmin" makes it use this class.
    """


for event_model in pghistory_core.event_models():
    admin.site.register(event_model, AuditEventAdmin)
