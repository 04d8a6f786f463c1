"""Practitioner profiles: NCSCT training and hours available."""

from django.contrib import admin

from apps.practitioners.models import PractitionerProfile


@admin.register(PractitionerProfile)
class PractitionerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "user_role", "ncsct_trained_on", "hours_per_week"]
    list_filter = ["user__role", "ncsct_trained_on", "user__memberships__site"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    @admin.display(description="role", ordering="user__role")
    def user_role(self, obj) -> str:
        return obj.user.get_role_display()
