"""Participant API endpoints that span apps: the journey's actions and the derived outcomes.

Every queryset starts from the selectors (out of scope -> 404); every write is a service call.
"""

from abc import ABC, abstractmethod

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.clinical.choices import ExitReason
from apps.core.access_log import record_contact_view
from apps.core.api_idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api_permissions import ClinicalWrite
from apps.core.roles import can_write_clinical
from apps.corrections.serializers import CorrectionReasonSerializer
from apps.journey import services as journey
from apps.journey.corrections import (
    EXIT_DETAIL_MAX_LENGTH,
    correct_baseline,
    correct_consent,
    correct_exit,
)
from apps.journey.screening_corrections import ScreeningAnswers, correct_screening
from apps.patients import services
from apps.patients.api import (
    IDEMPOTENT_ERRORS,
    ParticipantScoped,
    ScreeningDetail,
    participant_detail_response,
)
from apps.patients.models import (
    ELIGIBILITY_CRITERIA,
    ContactDetails,
    DeclineReason,
    ExclusionReason,
    Participant,
    Sex,
)
from apps.patients.serializers import (
    BaselineInputSerializer,
    ConsentInputSerializer,
    ContactDetailsSerializer,
    ParticipantDetailSerializer,
    ScreeningSerializer,
    WithdrawInputSerializer,
)
from apps.sites.selectors import get_pilot
from apps.workspace.outcome_serializers import ParticipantOutcomesSerializer, outcomes_document
from apps.workspace.selectors import participant_outcomes_on


class ConsentCorrectionSerializer(CorrectionReasonSerializer):
    """The consent as it should have been recorded, and why."""

    consented_on = serializers.DateField()
    consent_form_version = serializers.CharField(max_length=20)


class BaselineCorrectionSerializer(CorrectionReasonSerializer):
    """The smoking baseline as it should have been recorded, and why (the HSI is rescored)."""

    recorded_on = serializers.DateField()
    cigarettes_per_day = serializers.IntegerField(min_value=1, max_value=100)
    minutes_to_first_cigarette = serializers.IntegerField(min_value=0, max_value=1440)
    sex = serializers.ChoiceField(choices=Sex.choices)
    year_of_birth = serializers.IntegerField(min_value=1900, max_value=2100)


class ExitCorrectionSerializer(CorrectionReasonSerializer):
    """The withdrawal or loss to follow-up as it should have been recorded, and why."""

    exit_on = serializers.DateField()
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices)
    exit_reason_detail = serializers.CharField(
        max_length=EXIT_DETAIL_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


def patch_correction(request, participant, serializer_class, correction) -> Response:
    """Validate a correction's body, take its reason out and call the owning service."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    reason = data.pop_reason(values)
    correction(participant=participant, by=request.user, reason=reason, **values)
    return participant_detail_response(request.user, participant)


class ScreeningCorrectionSerializer(CorrectionReasonSerializer):
    """The screening as it should have been recorded, and why (the outcome follows)."""

    screened_on = serializers.DateField()
    aged_18_or_over = serializers.BooleanField()
    smokes_daily = serializers.BooleanField()
    has_depression_or_anxiety = serializers.BooleanField()
    starting_talking_therapies = serializers.BooleanField()
    wants_help_to_quit = serializers.BooleanField()
    declined = serializers.BooleanField(default=False)
    exclusion_reason = serializers.ChoiceField(
        choices=ExclusionReason.choices, required=False, allow_blank=True, default=""
    )
    decline_reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, default=""
    )
    screening_detail = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="The screening's details (reason_detail is the correction's explanation).",
    )


class ParticipantAction(ParticipantScoped, APIView, ABC):
    """A POST that moves a participant along the journey through one service call."""

    permission_classes = [ClinicalWrite]
    input_serializer: type | None = None  # None: the body is ignored
    extra_error_responses = IDEMPOTENT_ERRORS

    @abstractmethod
    def perform(self, participant: Participant, values: dict) -> None:
        """Call the service with the validated body."""

    def correct(self, request, serializer_class, correction) -> Response:
        """A PATCH correcting what the action recorded: the body with its reason, one service."""
        return patch_correction(request, self.get_participant(), serializer_class, correction)

    def post(self, request, trial_id: str):
        participant = self.get_participant()

        def handler() -> Response:
            values = {}
            if self.input_serializer is not None:
                data = self.input_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = data.validated_data
            self.perform(participant, values)
            return participant_detail_response(request.user, participant)

        return idempotent(request, handler)


def _action_schema(summary: str, request):
    return extend_schema(
        tags=["participants"],
        summary=summary,
        request=request,
        responses={200: ParticipantDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )


@_action_schema("Record consent", ConsentInputSerializer)
class ConsentAction(ParticipantAction):
    """Record informed consent (taken by you)."""

    input_serializer = ConsentInputSerializer

    def perform(self, participant, values):
        services.record_consent(participant=participant, taken_by=self.request.user, **values)

    @extend_schema(
        summary="Correct the consent (with a reason)",
        request=ConsentCorrectionSerializer,
        responses={200: ParticipantDetailSerializer},
    )
    def patch(self, request, trial_id: str):
        """Correct the consent date or form version; `reason` is required."""
        return self.correct(request, ConsentCorrectionSerializer, correct_consent)


@_action_schema("Record or correct the baseline", BaselineInputSerializer)
class BaselineAction(ParticipantAction):
    """Record the smoking baseline and contact details; the HSI is computed by the server."""

    input_serializer = BaselineInputSerializer

    @extend_schema(
        summary="Correct the smoking baseline (with a reason)",
        request=BaselineCorrectionSerializer,
        responses={200: ParticipantDetailSerializer},
    )
    def patch(self, request, trial_id: str):
        """Correct the recorded baseline; `reason` is required and the HSI is rescored."""
        return self.correct(request, BaselineCorrectionSerializer, correct_baseline)

    def perform(self, participant, values):
        journey.record_baseline(participant=participant, recorded_by=self.request.user, **values)


@_action_schema("Randomise (or enrol, in a single-arm pilot)", None)
class RandomiseAction(ParticipantAction):
    """Allocate the participant to an arm, exactly once; the body is ignored."""

    def perform(self, participant, values):
        journey.randomise_participant(participant=participant, by=self.request.user)


@_action_schema("Withdraw", WithdrawInputSerializer)
class WithdrawAction(ParticipantAction):
    """Withdraw the participant: open follow-ups and pending reminders stop at once."""

    input_serializer = WithdrawInputSerializer

    def perform(self, participant, values):
        journey.withdraw_participant(participant=participant, **values)


@extend_schema(tags=["screening"])
class ScreeningDetailWithCorrection(ScreeningDetail):
    """GET one screening log entry; PATCH corrects it with a reason (the outcome follows)."""

    permission_classes = [ClinicalWrite]

    @extend_schema(
        summary="Correct a screening (with a reason)",
        request=ScreeningCorrectionSerializer,
        responses={200: ScreeningSerializer},
    )
    def patch(self, request, public_id):
        """`reason` is required; an enrolled person stays enrolled."""
        screening = self.get_object()
        data = ScreeningCorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = data.pop_reason(values)
        criteria = {name: values.pop(name) for name, _ in ELIGIBILITY_CRITERIA}
        detail = values.pop("screening_detail")
        answers = ScreeningAnswers(criteria=criteria, reason_detail=detail, **values)
        correct_screening(screening=screening, by=request.user, answers=answers, reason=reason)
        return Response(self.get_serializer(self.get_queryset().get(pk=screening.pk)).data)


@extend_schema(tags=["participants"])
class ExitCorrection(ParticipantScoped, APIView):
    """Correct the date, reason or details of a withdrawal or loss to follow-up."""

    permission_classes = [ClinicalWrite]

    @extend_schema(
        summary="Correct the withdrawal or loss to follow-up (with a reason)",
        request=ExitCorrectionSerializer,
        responses={200: ParticipantDetailSerializer},
    )
    def patch(self, request, trial_id: str):
        """`reason` is required; the participant stays withdrawn or lost."""
        return patch_correction(
            request, self.get_participant(), ExitCorrectionSerializer, correct_exit
        )


@extend_schema(tags=["participants"])
class ContactDetailsView(ParticipantScoped, APIView):
    """How to reach the participant: only PWPs and site leads, and never in a list."""

    permission_classes = [ClinicalWrite]

    @extend_schema(responses={200: ContactDetailsSerializer})
    def get(self, request, trial_id: str):
        if not can_write_clinical(request.user):
            self.permission_denied(request, message=ClinicalWrite.message)
        participant = self.get_participant()
        contact = ContactDetails.objects.filter(participant=participant).first()
        if contact is None:
            raise NotFound("No contact details recorded yet.")
        record_contact_view(user=request.user, participant=participant, via=request.path)
        return Response(ContactDetailsSerializer(contact).data)

    @extend_schema(request=ContactDetailsSerializer, responses={200: ContactDetailsSerializer})
    def put(self, request, trial_id: str):
        participant = self.get_participant()
        data = ContactDetailsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = journey.update_contact_details(participant=participant, **data.validated_data)
        record_contact_view(user=request.user, participant=participant, via=request.path)
        return Response(ContactDetailsSerializer(contact).data)


@extend_schema(tags=["outcomes"], responses={200: ParticipantOutcomesSerializer})
class ParticipantOutcomesView(ParticipantScoped, APIView):
    """Every derived outcome of one participant today, as the page and the dashboard have them."""

    def get(self, request, trial_id: str):
        participant = self.get_participant()
        today = timezone.localdate()
        outcomes = participant_outcomes_on(participant, today=today, pilot=get_pilot())
        if outcomes is None:
            raise NotFound("Outcomes are defined once the participant is randomised or enrolled.")
        return Response(
            ParticipantOutcomesSerializer(outcomes_document(outcomes, as_of=today)).data
        )
