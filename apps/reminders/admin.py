"""Follow-up schedule, reminder outbox, questionnaire links: read-only, searchable by trial ID."""

from django.contrib import admin

from apps.core.admin import ParticipantRowAdmin, participant_site, trial_id
from apps.reminders.models import FollowUp, QuestionnaireLink, Reminder


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


@admin.register(QuestionnaireLink)
class QuestionnaireLinkAdmin(ParticipantRowAdmin):
    """Link metadata only: the token hash and any draft answers stay out of the admin."""

    list_display = [
        trial_id,
        participant_site,
        "follow_up",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    list_filter = ["participant__site", "follow_up__timepoint"]
    list_select_related = ["participant__site", "follow_up__participant"]
    exclude = ["token_hash", "draft_answers"]
