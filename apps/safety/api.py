"""Adverse events over /api/v1/: the same scoping, rules and audit as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.api_idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api_permissions import ClinicalWrite
from apps.patients.api import IDEMPOTENT_ERRORS, ParticipantScoped
from apps.safety import selectors, services
from apps.safety.serializers import AdverseEventInputSerializer, AdverseEventSerializer


def _rules(call):
    """Run a service write; every rule it names becomes a field error of one 400."""
    try:
        return call()
    except services.AdverseEventInvalid as invalid:
        raise ValidationError(
            {name: [message] for name, message in invalid.errors.items()}, code="invalid"
        ) from invalid


@extend_schema(tags=["adverse events"])
@extend_schema(
    methods=["POST"],
    summary="Record an adverse event",
    request=AdverseEventInputSerializer,
    responses={201: AdverseEventSerializer},
    parameters=[IDEMPOTENCY_PARAMETER],
)
class ParticipantAdverseEventList(ParticipantScoped, generics.ListCreateAPIView):
    """GET: the participant's adverse events. POST: record one (a serious one is emailed)."""

    serializer_class = AdverseEventSerializer
    permission_classes = [ClinicalWrite]
    extra_error_responses = IDEMPOTENT_ERRORS

    def get_queryset(self):
        return self.for_participant(selectors.adverse_events_visible_to(self.request.user))

    def post(self, request, trial_id: str):
        participant = self.get_participant()

        def handler() -> Response:
            data = AdverseEventInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            event = _rules(
                lambda: services.record_adverse_event(
                    participant=participant, by=request.user, values=data.values()
                )
            )
            fresh = self.get_queryset().get(pk=event.pk)
            return Response(AdverseEventSerializer(fresh).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handler)


@extend_schema(tags=["adverse events"])
class AdverseEventList(generics.ListAPIView):
    """Every adverse event of the participants you can see, newest first."""

    serializer_class = AdverseEventSerializer

    def get_queryset(self):
        return selectors.adverse_events_visible_to(self.request.user)


@extend_schema(tags=["adverse events"])
@extend_schema(
    methods=["PUT"],
    summary="Update an adverse event (the whole record; the history keeps each version)",
    request=AdverseEventInputSerializer,
    responses={200: AdverseEventSerializer},
    parameters=[IDEMPOTENCY_PARAMETER],
)
class AdverseEventDetail(generics.RetrieveAPIView):
    """One adverse event; PUT a follow-up update."""

    serializer_class = AdverseEventSerializer
    permission_classes = [ClinicalWrite]
    lookup_field = "public_id"
    extra_error_responses = IDEMPOTENT_ERRORS

    def get_queryset(self):
        return selectors.adverse_events_visible_to(self.request.user)

    def put(self, request, public_id):
        event = self.get_object()

        def handler() -> Response:
            data = AdverseEventInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            _rules(lambda: services.update_adverse_event(event=event, values=data.values()))
            return Response(AdverseEventSerializer(self.get_queryset().get(pk=event.pk)).data)

        return idempotent(request, handler)
