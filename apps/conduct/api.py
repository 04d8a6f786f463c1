"""The protocol deviation log over /api/v1/: the same scoping and rules as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from apps.conduct import selectors, services
from apps.conduct.serializers import DeviationInputSerializer, DeviationSerializer
from apps.core.api_idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api_permissions import ClinicalWrite
from apps.patients.api import IDEMPOTENT_ERRORS, ParticipantScoped


@extend_schema(tags=["protocol deviations"])
@extend_schema(
    methods=["POST"],
    summary="Record a protocol deviation",
    request=DeviationInputSerializer,
    responses={201: DeviationSerializer},
    parameters=[IDEMPOTENCY_PARAMETER],
)
class ParticipantDeviationList(ParticipantScoped, generics.ListCreateAPIView):
    """GET: the participant's deviations. POST: record one (every broken rule in one 400)."""

    serializer_class = DeviationSerializer
    permission_classes = [ClinicalWrite]
    extra_error_responses = IDEMPOTENT_ERRORS

    def get_queryset(self):
        return self.for_participant(selectors.deviations_visible_to(self.request.user))

    def post(self, request, trial_id: str):
        participant = self.get_participant()

        def handler() -> Response:
            data = DeviationInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            # A broken rule raises DomainError: the API's error handler lists each by field.
            deviation = services.record_deviation(
                participant=participant, by=request.user, values=data.values()
            )
            fresh = self.get_queryset().get(pk=deviation.pk)
            return Response(DeviationSerializer(fresh).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handler)


@extend_schema(tags=["protocol deviations"])
class DeviationList(generics.ListAPIView):
    """Every deviation of the participants you can see, newest first."""

    serializer_class = DeviationSerializer

    def get_queryset(self):
        return selectors.deviations_visible_to(self.request.user)
