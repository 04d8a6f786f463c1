"""Query filters for the participant and screening lists; choice lists are scoped to the user."""

import django_filters

from apps.accounts.models import User
from apps.clinical.status import Status
from apps.patients.models import (
    Arm,
    DeclineReason,
    ExclusionReason,
    Participant,
    ScreeningOutcome,
    ScreeningRecord,
)
from apps.sites.models import Site
from apps.sites.selectors import sites_visible_to


def visible_sites(request):
    """Sites the caller may filter by (a site they cannot see is an invalid choice)."""
    if request is None:
        return Site.objects.none()
    return sites_visible_to(request.user)


def visible_staff(request):
    """Staff at the caller's sites (anyone, for roles that see every site)."""
    if request is None:
        return User.objects.none()
    return User.objects.filter(sites__in=sites_visible_to(request.user)).distinct()


class ParticipantFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        queryset=visible_sites, to_field_name="code", help_text="Site code."
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    arm = django_filters.ChoiceFilter(
        field_name="allocation__arm", choices=Arm.choices, help_text="Randomised participants only."
    )
    assigned_pwp = django_filters.ModelChoiceFilter(
        queryset=visible_staff, to_field_name="email", help_text="Email of the assigned PWP."
    )
    screened_after = django_filters.DateFilter(field_name="screened_on", lookup_expr="gte")
    screened_before = django_filters.DateFilter(field_name="screened_on", lookup_expr="lte")
    trial_id = django_filters.CharFilter(
        field_name="trial_id", lookup_expr="istartswith", help_text="Trial ID or its start."
    )

    class Meta:
        model = Participant
        fields = ["site", "status", "arm", "assigned_pwp", "trial_id"]


class ScreeningFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        queryset=visible_sites, to_field_name="code", help_text="Site code."
    )
    outcome = django_filters.ChoiceFilter(choices=ScreeningOutcome.choices)
    exclusion_reason = django_filters.ChoiceFilter(choices=ExclusionReason.choices)
    decline_reason = django_filters.ChoiceFilter(choices=DeclineReason.choices)
    screened_after = django_filters.DateFilter(field_name="screened_on", lookup_expr="gte")
    screened_before = django_filters.DateFilter(field_name="screened_on", lookup_expr="lte")

    class Meta:
        model = ScreeningRecord
        fields = ["site", "outcome", "exclusion_reason", "decline_reason"]


class ParticipantRecordFilter(django_filters.FilterSet):
    """Site and trial ID filters for any list of records that belong to a participant."""

    site = django_filters.ModelChoiceFilter(
        field_name="participant__site",
        queryset=visible_sites,
        to_field_name="code",
        help_text="Site code.",
    )
    participant = django_filters.CharFilter(
        field_name="participant__trial_id", help_text="Trial ID."
    )
