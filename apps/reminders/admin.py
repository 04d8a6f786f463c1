"""Follow-up schedule and reminder outbox: read-only, searchable by trial ID."""

from django.contrib import admin

from apps.core.admin import ParticipantRowAdmin, participant_site, trial_id
from apps.reminders.models import FollowUp, Reminder


@admin.register(FollowUp)
class FollowUpAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "timepoint",
        "opens_on",
        "due_on",
        "closes_on",
        "status",
        "completed_at",
    ]
    list_filter = ["participant__site", "timepoint", "status"]
    date_hierarchy = "due_on"


@admin.register(Reminder)
class ReminderAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "kind",
        "channel",
        "status",
        "due_at",
        "sent_at",
        "attempts",
        "assigned_to",
    ]
    list_filter = ["status", "channel", "kind", "participant__site"]
    list_select_related = ["participant__site", "assigned_to"]
    date_hierarchy = "due_at"

    def get_exclude(self, request, obj=None):
        # A provider's error text can quote the address it failed to reach.
        if request.user.is_superuser:
            return ["claim_token"]
        return ["claim_token", "last_error"]
