"""Query filters for measure and safety alert lists; choice lists are scoped to the user."""

import django_filters

from apps.outcomes.models import SafetyAlert, Source, Timepoint
from apps.patients.filters import ParticipantRecordFilter


class MeasureFilter(django_filters.FilterSet):
    """Filters every measure list shares."""

    timepoint = django_filters.ChoiceFilter(choices=Timepoint.choices)
    source = django_filters.ChoiceFilter(choices=Source.choices)


class SafetyAlertFilter(ParticipantRecordFilter):
    open = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", help_text="true: not yet acknowledged."
    )

    class Meta:
        model = SafetyAlert
        fields = ["site", "participant", "open"]
