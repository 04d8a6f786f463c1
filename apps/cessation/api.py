"""Cessation sessions API: list and record sessions, correct a saved one."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from apps.cessation.filters import SessionFilter
from apps.cessation.models import CessationSession
from apps.cessation.serializers import (
    SessionInputSerializer,
    SessionSerializer,
    SessionUpdateSerializer,
)
from apps.cessation.services import (
    SessionInput,
    record_session,
    suggested_session_number,
    update_session,
)
from apps.clinical.protocol import suggested_session_type
from apps.core.api_idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api_permissions import ClinicalWrite
from apps.patients.api import IDEMPOTENT_ERRORS, ParticipantScoped
from apps.patients.selectors import participants_visible_to


def sessions_visible_to(user) -> QuerySet[CessationSession]:
    """Sessions of the participants the user may see, with what the API shows."""
    return (
        CessationSession.objects.filter(participant__in=participants_visible_to(user).values("pk"))
        .select_related("participant", "practitioner", "contamination_deviation")
        .prefetch_related("pharmacotherapy")
    )


@extend_schema(tags=["sessions"])
class SessionList(generics.ListAPIView):
    """Sessions of every participant you can see."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering = ["-session_date", "-id"]
    ordering_fields = ["session_date", "created_at"]

    def get_queryset(self):
        return sessions_visible_to(self.request.user)


@extend_schema(tags=["sessions"])
class ParticipantSessionList(ParticipantScoped, generics.ListCreateAPIView):
    """GET: the participant's sessions. POST: record a session (you are the practitioner)."""

    serializer_class = SessionSerializer
    permission_classes = [ClinicalWrite]
    ordering = ["session_date", "id"]
    ordering_fields = ["session_date", "number", "created_at"]
    extra_error_responses = IDEMPOTENT_ERRORS

    def get_queryset(self):
        return self.for_participant(sessions_visible_to(self.request.user))

    @extend_schema(
        request=SessionInputSerializer,
        responses={201: SessionSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, trial_id: str):
        participant = self.get_participant()

        def handler() -> Response:
            data = SessionInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            number = values.get("number") or suggested_session_number(participant)
            session = record_session(
                participant=participant,
                practitioner=request.user,
                data=SessionInput(
                    session_date=values["session_date"],
                    attendance=values["attendance"],
                    number=number,
                    session_type=values.get("session_type") or suggested_session_type(number),
                    mode=values["mode"],
                    duration_minutes=values["duration_minutes"],
                    bcts_delivered=values["bcts_delivered"],
                    quit_date_set=values["quit_date_set"],
                    pharmacotherapy=[
                        (p["product"], p["action"]) for p in values["pharmacotherapy"]
                    ],
                    notes=values["notes"],
                    co_ppm=values["co_ppm"],
                    phq9_items=values["phq9_items"],
                    phq9_difficulty=values["phq9_difficulty"],
                    gad7_items=values["gad7_items"],
                    contamination_reason=values["contamination_reason"],
                    contamination_action=values["contamination_action"],
                ),
            )
            fresh = sessions_visible_to(request.user).get(pk=session.pk)
            return Response(SessionSerializer(fresh).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handler)


@extend_schema(tags=["sessions"])
class SessionDetail(generics.RetrieveAPIView):
    """GET: one session. PATCH: correct its own fields (the audit trail keeps the old values)."""

    serializer_class = SessionSerializer
    permission_classes = [ClinicalWrite]
    lookup_field = "public_id"

    def get_queryset(self):
        return sessions_visible_to(self.request.user)

    @extend_schema(request=SessionUpdateSerializer, responses={200: SessionSerializer})
    def patch(self, request, public_id):
        session = self.get_object()
        data = SessionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = data.pop_reason(changes)
        update_session(session=session, editor=request.user, changes=changes, reason=reason)
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data)
