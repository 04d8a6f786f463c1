"""Participants API: screening log and participants by trial ID (the journey's actions: workspace).

Every queryset starts from the selectors (out of scope -> 404); every write is a service call.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from apps.core.api_idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api_permissions import ClinicalWrite
from apps.patients import services
from apps.patients.filters import ParticipantFilter, ScreeningFilter
from apps.patients.models import ELIGIBILITY_CRITERIA, Participant
from apps.patients.selectors import (
    get_participant_for,
    participants_visible_to,
    screenings_visible_to,
)
from apps.patients.serializers import (
    ParticipantDetailSerializer,
    ParticipantSerializer,
    ScreeningInputSerializer,
    ScreeningSerializer,
)
from apps.sites.selectors import sites_visible_to

IDEMPOTENT_ERRORS = {"409": "The Idempotency-Key was already used with a different body."}


class ParticipantScoped:
    """For views under /participants/{trial_id}/: the participant must be visible (else 404)."""

    def get_participant(self) -> Participant:
        if not hasattr(self, "_participant"):
            try:
                self._participant = get_participant_for(
                    self.request.user, trial_id=self.kwargs["trial_id"]
                )
            except Participant.DoesNotExist as exc:
                raise NotFound() from exc
        return self._participant

    def for_participant(self, queryset: QuerySet) -> QuerySet:
        """Narrow a queryset to this participant's rows."""
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return queryset.none()
        return queryset.filter(participant=self.get_participant())


def participant_detail_queryset(user) -> QuerySet[Participant]:
    """Visible participants with what the detail view shows, in one query."""
    return participants_visible_to(user).select_related(
        "site", "assigned_pwp", "allocation", "baseline", "consent_taken_by"
    )


def participant_detail_response(
    user, participant: Participant, code: int = status.HTTP_200_OK
) -> Response:
    """The participant as the detail endpoint shows them, read fresh."""
    fresh = participant_detail_queryset(user).get(pk=participant.pk)
    return Response(ParticipantDetailSerializer(fresh).data, status=code)


# ---------------------------------------------------------------- screening log


@extend_schema(tags=["screening"])
class ScreeningList(generics.ListCreateAPIView):
    """GET: the screening log at your sites. POST: screen a person (eligible -> participant)."""

    serializer_class = ScreeningSerializer
    permission_classes = [ClinicalWrite]
    filterset_class = ScreeningFilter
    ordering = ["-created_at"]
    ordering_fields = ["created_at", "screened_on"]
    extra_error_responses = IDEMPOTENT_ERRORS

    def get_queryset(self):
        return screenings_visible_to(self.request.user).select_related(
            "site", "screened_by", "participant"
        )

    def _site(self, code: str | None):
        sites = list(sites_visible_to(self.request.user).filter(is_active=True))
        if code:
            for site in sites:
                if site.code == code:
                    return site
            raise ValidationError({"site": ["Choose one of your sites."]}, code="invalid_choice")
        if len(sites) != 1:
            raise ValidationError(
                {"site": ["You work at several sites: give the site code."]}, code="required"
            )
        return sites[0]

    @extend_schema(
        request=ScreeningInputSerializer,
        responses={201: ScreeningSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        def handler() -> Response:
            data = ScreeningInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            result = services.screen_person(
                site=self._site(values.get("site")),
                screened_by=request.user,
                screened_on=values["screened_on"],
                criteria={name: values[name] for name, _ in ELIGIBILITY_CRITERIA},
                declined=values["declined"],
                exclusion_reason=values["exclusion_reason"],
                decline_reason=values["decline_reason"],
                reason_detail=values["reason_detail"],
            )
            screening = self.get_queryset().get(pk=result.screening.pk)
            return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handler)


@extend_schema(tags=["screening"])
class ScreeningDetail(generics.RetrieveAPIView):
    """One screening log entry."""

    serializer_class = ScreeningSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return screenings_visible_to(self.request.user).select_related(
            "site", "screened_by", "participant"
        )


# ---------------------------------------------------------------- participants


@extend_schema(tags=["participants"])
class ParticipantList(generics.ListAPIView):
    """Participants at your sites (every site for trial and data managers)."""

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    ordering = ["trial_id"]
    ordering_fields = ["trial_id", "screened_on", "created_at"]

    def get_queryset(self):
        return participants_visible_to(self.request.user).select_related(
            "site", "assigned_pwp", "allocation"
        )


@extend_schema(tags=["participants"])
class ParticipantDetail(generics.RetrieveAPIView):
    """One participant by trial ID, with consent, exit and baseline."""

    serializer_class = ParticipantDetailSerializer
    lookup_field = "trial_id"

    def get_queryset(self):
        return participant_detail_queryset(self.request.user)
