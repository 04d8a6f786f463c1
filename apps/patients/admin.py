"""Screening log, participants and their records: read-only, searchable by trial ID.

Randomisation blocks are visible to superusers only: a block's arms are the allocations still
to come at a site. For the same reason only superusers see an allocation's block and position
(with the arms already drawn from a part-used block they would reveal the next ones).
"""

from django.contrib import admin

from apps.core.access_log import record_contact_view
from apps.core.admin import (
    ParticipantRowAdmin,
    ReadOnlyAdmin,
    SuperuserOnlyMixin,
    participant_site,
    trial_id,
)
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    Participant,
    RandomisationBlock,
    ScreeningRecord,
)


@admin.register(ScreeningRecord)
class ScreeningRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "site",
        "screened_on",
        "outcome",
        "exclusion_reason",
        "decline_reason",
        "screened_by",
        "participant_trial_id",
    ]
    list_filter = ["site", "outcome", "exclusion_reason", "decline_reason"]
    search_fields = ["participant__trial_id", "=public_id"]
    search_help_text = "Search by trial ID, or the screening's public ID."
    list_select_related = ["site", "screened_by", "participant"]
    date_hierarchy = "screened_on"
    show_full_result_count = False

    @admin.display(description="trial ID", ordering="participant__trial_id")
    def participant_trial_id(self, obj) -> str:
        participant = getattr(obj, "participant", None)
        return participant.trial_id if participant else "-"


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = [
        "trial_id",
        "site",
        "status",
        "assigned_pwp",
        "screened_on",
        "consented_on",
        "randomised_on",
        "quit_date",
        "exit_on",
    ]
    list_filter = ["site", "status", "exit_reason", "consent_form_version"]
    search_fields = ["trial_id", "=public_id"]
    search_help_text = "Search by trial ID (e.g. BRS-0001)."
    list_select_related = ["site", "assigned_pwp"]
    date_hierarchy = "screened_on"
    show_full_result_count = False


@admin.register(Baseline)
class BaselineAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "recorded_on",
        "cigarettes_per_day",
        "minutes_to_first_cigarette",
        "hsi_score",
        "hsi_band",
        "sex",
        "year_of_birth",
    ]
    list_filter = ["participant__site", "hsi_band", "sex"]


@admin.register(ContactDetails)
class ContactDetailsAdmin(ParticipantRowAdmin):
    """Who may be contacted and how; the address itself only for superusers."""

    list_display = [trial_id, participant_site, "preferred_channel", "consent_to_contact"]
    list_filter = ["participant__site", "preferred_channel", "consent_to_contact"]
    search_help_text = "Search by trial ID (addresses are not searchable)."

    def get_fields(self, request, obj=None):
        fields = ["participant", "preferred_channel", "consent_to_contact", "updated_at"]
        if request.user.is_superuser:
            fields[1:1] = ["email", "mobile"]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change page shows a superuser the addresses: the access log records it."""
        response = super().change_view(request, object_id, form_url, extra_context)
        contact = getattr(response, "context_data", {}).get("original")
        if request.user.is_superuser and contact is not None and response.status_code == 200:
            record_contact_view(
                user=request.user, participant=contact.participant, via=request.path
            )
        return response


@admin.register(RandomisationBlock)
class RandomisationBlockAdmin(SuperuserOnlyMixin, ReadOnlyAdmin):
    list_display = ["site", "sequence", "block_size", "next_position", "created_at"]
    list_filter = ["site"]
    list_select_related = ["site"]

    @admin.display(description="size")
    def block_size(self, obj) -> int:
        return len(obj.arms)


@admin.register(Allocation)
class AllocationAdmin(ParticipantRowAdmin):
    list_filter = ["participant__site", "arm"]
    list_select_related = ["participant__site", "allocated_by"]
    date_hierarchy = "allocated_at"

    def get_list_display(self, request):
        columns = [trial_id, participant_site, "arm", "allocated_at", "allocated_by"]
        if request.user.is_superuser:
            columns += ["block", "position"]
        return columns

    def get_fields(self, request, obj=None):
        fields = ["participant", "arm", "allocated_at", "allocated_by"]
        if request.user.is_superuser:
            fields += ["block", "position"]
        return fields
