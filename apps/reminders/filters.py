"""Query filters for the follow-up lists; choice lists are scoped to the user."""

import django_filters

from apps.patients.filters import visible_sites
from apps.reminders.models import FollowUp, FollowUpStatus, FollowUpTimepoint


class FollowUpFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="participant__site",
        queryset=visible_sites,
        to_field_name="code",
        help_text="Site code.",
    )
    participant = django_filters.CharFilter(
        field_name="participant__trial_id", help_text="Trial ID."
    )
    status = django_filters.MultipleChoiceFilter(choices=FollowUpStatus.choices)
    timepoint = django_filters.ChoiceFilter(choices=FollowUpTimepoint.choices)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = FollowUp
        fields = ["site", "participant", "status", "timepoint"]
