"""Query filters for the follow-up lists; choice lists are scoped to the user."""

import django_filters

from apps.patients.filters import ParticipantRecordFilter
from apps.reminders.models import FollowUp, FollowUpStatus, FollowUpTimepoint


class FollowUpFilter(ParticipantRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=FollowUpStatus.choices)
    timepoint = django_filters.ChoiceFilter(choices=FollowUpTimepoint.choices)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = FollowUp
        fields = ["site", "participant", "status", "timepoint"]
