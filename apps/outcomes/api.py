"""Outcomes API: PHQ-9, GAD-7, smoking status and CO per participant, safety alerts,
and questionnaire invitations for clinic tablets."""

from collections.abc import Callable

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.clinical.scoring import phq9_reports_risk
from apps.core.api_errors import domain_fields
from apps.core.api_idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api_permissions import ClinicalWrite
from apps.delegation.models import Duty
from apps.delegation.selectors import check_delegated
from apps.outcomes import services
from apps.outcomes.filters import MeasureFilter, SafetyAlertFilter
from apps.outcomes.follow_up_assessment import check_recordable
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SmokingStatusReport,
    TherapySessionsReport,
    Timepoint,
)
from apps.outcomes.selectors import alerts_visible_to
from apps.outcomes.serializers import (
    AcknowledgeInputSerializer,
    COReadingInputSerializer,
    COReadingSerializer,
    GAD7InputSerializer,
    GAD7Serializer,
    InvitationInputSerializer,
    InvitationSerializer,
    PHQ9InputSerializer,
    PHQ9Serializer,
    SafetyAlertSerializer,
    SmokingStatusInputSerializer,
    SmokingStatusSerializer,
    TherapySessionsInputSerializer,
    TherapySessionsSerializer,
)
from apps.outcomes.usual_care_services import record_therapy_sessions
from apps.patients.api import IDEMPOTENT_ERRORS, ParticipantScoped
from apps.reminders.questionnaire_links import create_questionnaire_link, questionnaire_url


def _own(records, public_id, field: str):
    """One of the participant's sessions or follow-ups (their related manager), or a 400."""
    if public_id is None:
        return None
    found = records.filter(public_id=public_id).first()
    if found is None:
        raise ValidationError(
            {field: [f"Not a {field.replace('_', '-')} of this participant."]},
            code="does_not_exist",
        )
    return found


class MeasureList(ParticipantScoped, generics.ListCreateAPIView):
    """GET: the participant's records of one measure. POST: record one (scored by the server)."""

    permission_classes = [ClinicalWrite]
    filterset_class = MeasureFilter
    ordering = ["-completed_on", "-id"]
    ordering_fields = ["completed_on", "created_at"]
    extra_error_responses = IDEMPOTENT_ERRORS
    model: type
    input_serializer: type
    related: tuple[str, ...] = ("participant", "session", "follow_up", "recorded_by")
    field_names: dict[str, str] = {}

    def get_queryset(self):
        return self.for_participant(self.model.objects.select_related(*self.related))

    def carries_risk(self, values: dict) -> bool:
        """Whether the measure holds a risk answer (never refused for delegation)."""
        return False

    def record(self, participant, values: dict):
        raise NotImplementedError

    def check_follow_up_date(self, follow_up, values: dict) -> None:
        """A measure given for a follow-up must be dated inside its window (as on the form)."""
        check_recordable(follow_up, values["completed_on"])

    def post(self, request, trial_id: str):
        participant = self.get_participant()

        def handler() -> Response:
            data = self.input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            values["session"] = _own(participant.sessions, values["session"], "session")
            values["follow_up"] = _own(participant.follow_ups, values["follow_up"], "follow_up")
            follow_up = values["follow_up"]
            timepoint = values.get("timepoint") or (
                follow_up.timepoint if follow_up else Timepoint.SESSION
            )
            if follow_up and follow_up.timepoint != timepoint:
                raise ValidationError(
                    {"timepoint": ["Does not match the follow-up's timepoint."]}, code="mismatch"
                )
            values["timepoint"] = timepoint
            with domain_fields(self.field_names):
                if follow_up:
                    self.check_follow_up_date(follow_up, values)
                # A measure sent through the API is data entry for the participant's site, on
                # the day it was taken.
                check_delegated(
                    request.user,
                    participant.site,
                    Duty.DATA_ENTRY,
                    values.get("completed_on") or timezone.localdate(values.get("taken_at")),
                    field=None,
                    carries_risk=self.carries_risk(values),
                )
                record = self.record(participant, values)
            fresh = self.get_queryset().get(pk=record.pk)
            return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

        return idempotent(request, handler)


def _measure_schema(name: str, input_serializer, output_serializer) -> Callable:
    def decorate(view):
        return extend_schema(tags=["measures"])(
            extend_schema(
                methods=["POST"],
                summary=f"Record a {name}",
                request=input_serializer,
                responses={201: output_serializer},
                parameters=[IDEMPOTENCY_PARAMETER],
            )(extend_schema(methods=["GET"], summary=f"List {name} records")(view))
        )

    return decorate


@_measure_schema("PHQ-9", PHQ9InputSerializer, PHQ9Serializer)
class PHQ9List(MeasureList):
    """PHQ-9 (depression): total 0-27, severity band; item 9 above 0 raises a safety alert."""

    model = PHQ9Response
    serializer_class = PHQ9Serializer
    input_serializer = PHQ9InputSerializer
    related = (*MeasureList.related, "safety_alert")
    field_names = {"phq9_items": "items", "phq9_difficulty": "difficulty"}

    def carries_risk(self, values):
        return phq9_reports_risk(values.get("items"))

    def record(self, participant, values):
        return services.record_phq9(
            participant=participant, recorded_by=self.request.user, **values
        )


@_measure_schema("GAD-7", GAD7InputSerializer, GAD7Serializer)
class GAD7List(MeasureList):
    """GAD-7 (anxiety): total 0-21 and severity band."""

    model = GAD7Response
    serializer_class = GAD7Serializer
    input_serializer = GAD7InputSerializer
    field_names = {"gad7_items": "items"}

    def record(self, participant, values):
        return services.record_gad7(
            participant=participant, recorded_by=self.request.user, **values
        )


@_measure_schema("smoking status report", SmokingStatusInputSerializer, SmokingStatusSerializer)
class SmokingStatusList(MeasureList):
    """Smoking status reports; one linked to a follow-up completes that follow-up."""

    model = SmokingStatusReport
    serializer_class = SmokingStatusSerializer
    input_serializer = SmokingStatusInputSerializer

    def record(self, participant, values):
        return services.record_smoking_status(
            participant=participant, recorded_by=self.request.user, **values
        )


@_measure_schema(
    "Talking Therapies sessions report", TherapySessionsInputSerializer, TherapySessionsSerializer
)
class TherapySessionsList(MeasureList):
    """Usual psychological care: Talking Therapies sessions since randomisation (3 and 6 months)."""

    model = TherapySessionsReport
    serializer_class = TherapySessionsSerializer
    input_serializer = TherapySessionsInputSerializer
    field_names = {
        "therapy_planned": "sessions_planned",
        "therapy_attended": "sessions_attended",
        "therapy_dna": "sessions_dna",
    }

    def record(self, participant, values):
        if values.pop("session", None) is not None:
            raise ValidationError(
                {"session": ["Talking Therapies sessions are reported at a follow-up."]}
            )
        return record_therapy_sessions(
            participant=participant,
            recorded_by=self.request.user,
            planned=values.pop("sessions_planned"),
            attended=values.pop("sessions_attended"),
            dna=values.pop("sessions_dna"),
            **values,
        )


@_measure_schema("CO reading", COReadingInputSerializer, COReadingSerializer)
class COReadingList(MeasureList):
    """Exhaled carbon monoxide readings (integer ppm, 0-100)."""

    model = COReading
    serializer_class = COReadingSerializer
    input_serializer = COReadingInputSerializer
    ordering = ["-taken_at", "-id"]
    ordering_fields = ["taken_at", "created_at"]
    related = ("participant", "session", "follow_up", "taken_by")
    field_names = {"co_ppm": "ppm"}

    def check_follow_up_date(self, follow_up, values: dict) -> None:
        """A reading given for a follow-up must be taken inside its window."""
        day = timezone.localtime(values["taken_at"]).date()
        check_recordable(follow_up, day, field="taken_at")

    def record(self, participant, values):
        return services.record_co_reading(
            participant=participant, taken_by=self.request.user, **values
        )


# ---------------------------------------------------------------- safety alerts


@extend_schema(tags=["safety alerts"])
class SafetyAlertList(generics.ListAPIView):
    """Safety alerts for the participants you can see (filter open=true for the open ones)."""

    serializer_class = SafetyAlertSerializer
    filterset_class = SafetyAlertFilter
    ordering = ["-raised_at"]
    ordering_fields = ["raised_at"]

    def get_queryset(self):
        return alerts_visible_to(self.request.user)


@extend_schema(tags=["safety alerts"])
class SafetyAlertDetail(generics.RetrieveAPIView):
    """One safety alert."""

    serializer_class = SafetyAlertSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return alerts_visible_to(self.request.user)


@extend_schema(
    tags=["safety alerts"],
    request=AcknowledgeInputSerializer,
    responses={200: SafetyAlertSerializer},
    parameters=[IDEMPOTENCY_PARAMETER],
)
class SafetyAlertAcknowledge(generics.GenericAPIView):
    """Close an alert with a note of the action you took."""

    serializer_class = SafetyAlertSerializer
    permission_classes = [ClinicalWrite]
    lookup_field = "public_id"
    extra_error_responses = IDEMPOTENT_ERRORS

    def get_queryset(self):
        return alerts_visible_to(self.request.user)

    def post(self, request, public_id):
        alert = self.get_object()

        def handler() -> Response:
            data = AcknowledgeInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.acknowledge_alert(
                alert=alert, by=request.user, action_taken=data.validated_data["action_taken"]
            )
            return Response(SafetyAlertSerializer(self.get_queryset().get(pk=alert.pk)).data)

        return idempotent(request, handler)


# ---------------------------------------------------------------- questionnaire invitations


@extend_schema(
    tags=["measures"],
    summary="Make a questionnaire link for a follow-up",
    request=InvitationInputSerializer,
    responses={201: InvitationSerializer},
)
class InvitationCreate(ParticipantScoped, APIView):
    """A fresh single-use link for an open follow-up, to open on a clinic tablet.

    No Idempotency-Key here: replaying would mean storing the link's secret token.
    """

    permission_classes = [ClinicalWrite]

    def post(self, request, trial_id: str):
        participant = self.get_participant()
        data = InvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = _own(participant.follow_ups, data.validated_data["follow_up"], "follow_up")
        link, raw_token = create_questionnaire_link(follow_up=follow_up, created_by=request.user)
        body = {
            "url": questionnaire_url(raw_token),
            "expires_at": link.expires_at,
            "follow_up": follow_up.public_id,
            "timepoint": follow_up.timepoint,
        }
        return Response(InvitationSerializer(body).data, status=status.HTTP_201_CREATED)
