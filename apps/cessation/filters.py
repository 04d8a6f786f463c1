"""Query filters for the session lists; choice lists are scoped to the user."""

import django_filters

from apps.cessation.models import CessationSession
from apps.clinical.protocol import Attendance, SessionMode, SessionType
from apps.patients.filters import ParticipantRecordFilter, visible_staff


class SessionFilter(ParticipantRecordFilter):
    practitioner = django_filters.ModelChoiceFilter(
        queryset=visible_staff, to_field_name="email", help_text="Practitioner's email."
    )
    attendance = django_filters.ChoiceFilter(choices=Attendance.choices)
    session_type = django_filters.ChoiceFilter(choices=SessionType.choices)
    mode = django_filters.ChoiceFilter(choices=SessionMode.choices)
    date_from = django_filters.DateFilter(field_name="session_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="session_date", lookup_expr="lte")

    class Meta:
        model = CessationSession
        fields = ["site", "participant", "practitioner", "attendance", "session_type", "mode"]
