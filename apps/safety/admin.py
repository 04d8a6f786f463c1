from django.contrib import admin

from apps.core.admin import ParticipantRowAdmin, participant_site, trial_id
from apps.safety.models import AdverseEvent


@admin.register(AdverseEvent)
class AdverseEventAdmin(ParticipantRowAdmin):
    list_display = [
        trial_id,
        participant_site,
        "onset_on",
        "severity",
        "serious",
        "outcome",
        "aware_at",
        "reported_to_sponsor_at",
    ]
    list_filter = ["serious", "severity", "outcome", "participant__site"]
    list_select_related = ["participant__site"]
