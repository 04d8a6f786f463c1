"""The correction log in the admin: read-only, since the owning apps' services keep it."""

from django.contrib import admin

from apps.core.admin import ParticipantRowAdmin, participant_site, trial_id
from apps.corrections.models import Correction


@admin.register(Correction)
class CorrectionAdmin(ParticipantRowAdmin):
    list_display = (trial_id, participant_site, "record_label", "field_label", "old_value",
                    "new_value", "reason", "corrected_by", "corrected_at")  # fmt: skip
    list_filter = ("record_type", "reason")
    list_select_related = ("participant__site", "corrected_by")
