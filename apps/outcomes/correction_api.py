"""Correcting a recorded PHQ-9, GAD-7, CO reading or smoking status report over the API: PATCH
with a `reason`."""

from abc import ABC, abstractmethod

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from apps.core.api_errors import domain_fields
from apps.core.api_permissions import ClinicalWrite
from apps.corrections.serializers import CorrectionReasonSerializer
from apps.outcomes import corrections
from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SmokingStatusReport
from apps.outcomes.serializers import (
    COReadingSerializer,
    GAD7Serializer,
    PHQ9Serializer,
    QuestionnaireItems,
    SmokingStatusSerializer,
    difficulty_input,
)
from apps.patients.api import ParticipantScoped


class PHQ9CorrectionSerializer(CorrectionReasonSerializer):
    """Every PHQ-9 answer as it should have been recorded, and why."""

    items = QuestionnaireItems("PHQ-9", 9)
    difficulty = difficulty_input()


class GAD7CorrectionSerializer(CorrectionReasonSerializer):
    """Every GAD-7 answer as it should have been recorded, and why."""

    items = QuestionnaireItems("GAD-7", 7)


class COCorrectionSerializer(CorrectionReasonSerializer):
    """The CO reading as it should have been recorded, and why."""

    ppm = serializers.IntegerField(min_value=0, max_value=100)


class SmokingCorrectionSerializer(CorrectionReasonSerializer):
    """Every answer of the smoking status report as it should have been recorded, and why."""

    smoked_last_7_days = serializers.BooleanField()
    cigarettes_last_7_days = serializers.IntegerField(
        min_value=0, max_value=1000, required=False, allow_null=True, default=None
    )
    smoke_free_since_day_14 = serializers.BooleanField(
        required=False, allow_null=True, default=None
    )
    cigarettes_since_day_14 = serializers.IntegerField(
        min_value=0, max_value=20000, required=False, allow_null=True, default=None
    )
    stopped_on = serializers.DateField(required=False, allow_null=True, default=None)
    quit_attempt_since_last_contact = serializers.BooleanField()
    uses_e_cigarette = serializers.BooleanField()
    uses_stop_smoking_medication = serializers.BooleanField()


class MeasureDetail(ParticipantScoped, generics.RetrieveAPIView, ABC):
    """GET one measure; PATCH corrects it with a reason (derived values follow)."""

    permission_classes = [ClinicalWrite]
    lookup_field = "public_id"
    lookup_url_kwarg = "record_id"
    model: type
    input_serializer: type
    field_names: dict[str, str] = {}

    def get_queryset(self):
        return self.for_participant(self.model.objects.select_related("participant"))

    @abstractmethod
    def correct(self, record, values: dict, reason):
        """Call the owning service's correction with the validated values."""

    def patch(self, request, trial_id: str, record_id):
        record = self.get_object()
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = data.pop_reason(values)
        with domain_fields(self.field_names):
            corrected = self.correct(record, values, reason)
        return Response(self.get_serializer(self.get_queryset().get(pk=corrected.pk)).data)


def _schema(name: str, input_serializer, output_serializer):
    def decorate(view):
        return extend_schema(tags=["measures"])(
            extend_schema(
                methods=["PATCH"],
                summary=f"Correct a {name} (with a reason)",
                request=input_serializer,
                responses={200: output_serializer},
            )(extend_schema(methods=["GET"], summary=f"One {name}")(view))
        )

    return decorate


@_schema("PHQ-9", PHQ9CorrectionSerializer, PHQ9Serializer)
class PHQ9Detail(MeasureDetail):
    """A PHQ-9; a correction rescores it and a corrected item 9 above 0 raises the alert."""

    model = PHQ9Response
    serializer_class = PHQ9Serializer
    input_serializer = PHQ9CorrectionSerializer
    field_names = {"phq9_items": "items", "phq9_difficulty": "difficulty"}

    def correct(self, record, values, reason):
        return corrections.correct_phq9(
            response=record,
            by=self.request.user,
            items=values["items"],
            difficulty=values["difficulty"],
            reason=reason,
        )


@_schema("GAD-7", GAD7CorrectionSerializer, GAD7Serializer)
class GAD7Detail(MeasureDetail):
    """A GAD-7; a correction rescores it."""

    model = GAD7Response
    serializer_class = GAD7Serializer
    input_serializer = GAD7CorrectionSerializer
    field_names = {"gad7_items": "items"}

    def correct(self, record, values, reason):
        return corrections.correct_gad7(
            response=record, by=self.request.user, items=values["items"], reason=reason
        )


@_schema("CO reading", COCorrectionSerializer, COReadingSerializer)
class COReadingDetail(MeasureDetail):
    """A CO reading; a correction changes its ppm."""

    model = COReading
    serializer_class = COReadingSerializer
    input_serializer = COCorrectionSerializer
    field_names = {"co_ppm": "ppm"}

    def correct(self, record, values, reason):
        return corrections.correct_co_reading(
            reading=record, by=self.request.user, ppm=values["ppm"], reason=reason
        )


@_schema("smoking status report", SmokingCorrectionSerializer, SmokingStatusSerializer)
class SmokingStatusDetail(MeasureDetail):
    """A smoking status report; a correction is checked by the rules a new report meets."""

    model = SmokingStatusReport
    serializer_class = SmokingStatusSerializer
    input_serializer = SmokingCorrectionSerializer

    def correct(self, record, values, reason):
        return corrections.correct_smoking_report(
            report=record,
            by=self.request.user,
            answers=corrections.SmokingAnswers(**values),
            reason=reason,
        )
