"""The correction log in the admin: read-only, since the log is kept by the services."""

from django.contrib import admin

from apps.corrections.models import Correction


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("participant", "record_label", "field_label", "old_value", "new_value",
                    "reason", "corrected_by", "corrected_at")  # fmt: skip
    list_filter = ("record_type", "reason")
    list_select_related = ("participant", "corrected_by")
    search_fields = ("participant__trial_id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
