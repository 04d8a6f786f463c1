"""The deviation log and the data queries in the admin: read-only, since the services keep them."""

from django.contrib import admin

from apps.conduct.models import DataQuery, ProtocolDeviation
from apps.core.admin import ParticipantRowAdmin, participant_site, trial_id


@admin.register(ProtocolDeviation)
class ProtocolDeviationAdmin(ParticipantRowAdmin):
    list_display = (trial_id, participant_site, "occurred_on", "category", "seriousness", "rule")
    list_filter = ("category", "seriousness", "rule")
    list_select_related = ("participant__site", "reported_by")


@admin.register(DataQuery)
class DataQueryAdmin(ParticipantRowAdmin):
    list_display = (trial_id, participant_site, "status", "about", "rule", "raised_at")
    list_filter = ("status", "rule")
    list_select_related = ("participant__site", "raised_by")
