"""Source data verification over /api/v1/: where each area stands, and the monitor marking one."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from apps.clinical.source_verification import Area
from apps.core.api_permissions import SourceVerifier
from apps.monitoring import selectors, services
from apps.patients.api import ParticipantScoped
from apps.patients.models import Participant


class AreaSerializer(serializers.Serializer):
    """One area of the monitoring plan for one participant."""

    area = serializers.ChoiceField(choices=[a.value for a in Area])
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=["not_due", "unverified", "changed", "verified"])
    records = serializers.SerializerMethodField()
    last_verified_at = serializers.DateTimeField(allow_null=True)

    def get_records(self, state) -> int:
        """How many records the area holds now."""
        return len(state.records)


class VerifySerializer(serializers.Serializer):
    """The area to mark verified (the rules name an unknown or empty one)."""

    area = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


@extend_schema(tags=["source data verification"])
@extend_schema(
    methods=["POST"],
    summary="Mark an area verified against the source (the trial monitor)",
    request=VerifySerializer,
    responses={201: AreaSerializer(many=True)},
)
class ParticipantSourceVerification(ParticipantScoped, generics.GenericAPIView):
    """GET: the participant's areas to verify and where each stands. POST: verify one."""

    serializer_class = AreaSerializer
    permission_classes = [SourceVerifier]
    queryset = Participant.objects.none()  # names the {trial_id} path parameter's type
    pagination_class = None

    @extend_schema(responses={200: AreaSerializer(many=True)})
    def get(self, request, trial_id: str):
        return Response(AreaSerializer(self._areas(), many=True).data)

    def post(self, request, trial_id: str):
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.verify_area(
            participant=self.get_participant(), area=data.validated_data["area"], by=request.user
        )
        return Response(
            AreaSerializer(self._areas(), many=True).data, status=status.HTTP_201_CREATED
        )

    def _areas(self) -> list[selectors.AreaState]:
        return selectors.participant_areas(self.get_participant(), services.verifiable_areas())
