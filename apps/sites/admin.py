"""Sites and the pilot's configuration (editable: they are set up by administrators)."""

from django.contrib import admin

from apps.sites.models import Pilot, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "ods_code",
        "recruitment_target",
        "recruitment_opens_on",
        "recruitment_closes_on",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "ods_code"]
    readonly_fields = ["next_participant_number", "created_at", "updated_at"]


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ["name", "is_randomised", "current_consent_form_version", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
