"""The deviation log in the admin: read-only, since the log is kept by the service."""

from django.contrib import admin

from apps.conduct.models import ProtocolDeviation


@admin.register(ProtocolDeviation)
class ProtocolDeviationAdmin(admin.ModelAdmin):
    list_display = ("participant", "occurred_on", "category", "seriousness", "reported_by")
    list_filter = ("category", "seriousness")
    list_select_related = ("participant", "reported_by")
    search_fields = ("participant__trial_id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
