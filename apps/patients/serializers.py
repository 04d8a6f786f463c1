"""API input and output for screening, participants, consent, baseline, randomisation and exit.

Output serializers are read-only views of the models; input serializers hold only what a user
types. Site, participant, authors and derived values (trial ID, HSI, arm) come from the services.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.patients.contact import contact_address_error
from apps.patients.models import (
    Arm,
    Baseline,
    Channel,
    ContactDetails,
    DeclineReason,
    ExclusionReason,
    ExitReason,
    Participant,
    ScreeningRecord,
    Sex,
)


class EmailField(serializers.SlugRelatedField):
    """A user shown by email address."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="email", read_only=True, **kwargs)


# ---------------------------------------------------------------- screening


class ScreeningSerializer(serializers.ModelSerializer):
    """One entry of the screening log."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    screened_by = EmailField()
    exclusion_reason = serializers.ChoiceField(
        choices=ExclusionReason.choices, allow_blank=True, read_only=True
    )
    decline_reason = serializers.ChoiceField(
        choices=DeclineReason.choices, allow_blank=True, read_only=True
    )
    participant = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningRecord
        fields = [
            "id",
            "site",
            "screened_on",
            "screened_by",
            "aged_18_or_over",
            "smokes_daily",
            "has_depression_or_anxiety",
            "starting_talking_therapies",
            "wants_help_to_quit",
            "outcome",
            "exclusion_reason",
            "decline_reason",
            "reason_detail",
            "participant",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Trial ID if eligible."))
    def get_participant(self, screening: ScreeningRecord) -> str | None:
        participant = getattr(screening, "participant", None)
        return participant.trial_id if participant else None


class ScreeningInputSerializer(serializers.Serializer):
    """A screening as a PWP records it; the server decides the outcome and the trial ID."""

    site = serializers.CharField(
        required=False,
        max_length=5,
        help_text="Site code; needed only when you work at more than one site.",
    )
    screened_on = serializers.DateField()
    aged_18_or_over = serializers.BooleanField()
    smokes_daily = serializers.BooleanField()
    has_depression_or_anxiety = serializers.BooleanField()
    starting_talking_therapies = serializers.BooleanField()
    wants_help_to_quit = serializers.BooleanField()
    declined = serializers.BooleanField(
        default=False, help_text="Eligible, but declined to take part."
    )
    exclusion_reason = serializers.ChoiceField(
        choices=ExclusionReason.choices, required=False, allow_blank=True, default=""
    )
    decline_reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, default=""
    )
    reason_detail = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


# ---------------------------------------------------------------- participants


class ParticipantSerializer(serializers.ModelSerializer):
    """A participant as lists show it: no contact details, arm only once randomised."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_pwp = EmailField(allow_null=True)
    arm = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "trial_id",
            "id",
            "site",
            "status",
            "assigned_pwp",
            "screened_on",
            "consented_on",
            "randomised_on",
            "quit_date",
            "exit_on",
            "arm",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=Arm.choices, allow_null=True, help_text="Null until randomised."
        )
    )
    def get_arm(self, participant: Participant) -> str | None:
        allocation = getattr(participant, "allocation", None)
        return allocation.arm if allocation else None


class BaselineSerializer(serializers.ModelSerializer):
    """The smoking baseline; the Heaviness of Smoking Index is computed by the server."""

    class Meta:
        model = Baseline
        fields = [
            "recorded_on",
            "cigarettes_per_day",
            "minutes_to_first_cigarette",
            "hsi_score",
            "hsi_band",
            "sex",
            "year_of_birth",
        ]
        read_only_fields = fields


class ParticipantDetailSerializer(ParticipantSerializer):
    """One participant with consent, exit and baseline (contact details are a separate call)."""

    consent_taken_by = EmailField(allow_null=True)
    exit_reason = serializers.ChoiceField(
        choices=ExitReason.choices, allow_blank=True, read_only=True
    )
    baseline = serializers.SerializerMethodField()

    class Meta(ParticipantSerializer.Meta):
        fields = [
            *ParticipantSerializer.Meta.fields,
            "consent_form_version",
            "consent_taken_by",
            "exit_reason",
            "exit_reason_detail",
            "baseline",
        ]
        read_only_fields = fields

    @extend_schema_field(BaselineSerializer(allow_null=True))
    def get_baseline(self, participant: Participant) -> dict | None:
        baseline = getattr(participant, "baseline", None)
        return BaselineSerializer(baseline).data if baseline else None


class ConsentInputSerializer(serializers.Serializer):
    """Informed consent: date and the form version used; who took it is the caller."""

    consented_on = serializers.DateField()
    consent_form_version = serializers.CharField(max_length=20)
    interview_contact = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="May a researcher contact them about an interview (the qualitative study)? "
        "Null: not asked.",
    )


class BaselineInputSerializer(serializers.Serializer):
    """Baseline smoking, demographics and the contact details kept apart from them."""

    recorded_on = serializers.DateField()
    cigarettes_per_day = serializers.IntegerField(min_value=1, max_value=100)
    minutes_to_first_cigarette = serializers.IntegerField(min_value=0, max_value=1440)
    sex = serializers.ChoiceField(choices=Sex.choices)
    year_of_birth = serializers.IntegerField(min_value=1900, max_value=2100)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    mobile = serializers.RegexField(
        r"^\+?[0-9 ]{7,20}$", max_length=20, required=False, allow_blank=True, default=""
    )
    preferred_channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    consent_to_contact = serializers.BooleanField(default=True)

    def validate_recorded_on(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The date cannot be in the future.", code="future")
        return value


class WithdrawInputSerializer(serializers.Serializer):
    """Withdrawal: when and why."""

    on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ExitReason.choices)
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ContactDetailsSerializer(serializers.ModelSerializer):
    """How to reach a participant; only ever returned by its own endpoint."""

    mobile = serializers.RegexField(
        r"^\+?[0-9 ]{7,20}$", max_length=20, required=False, allow_blank=True, default=""
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    preferred_channel = serializers.ChoiceField(choices=Channel.choices)
    consent_to_contact = serializers.BooleanField(default=True)

    class Meta:
        model = ContactDetails
        fields = ["email", "mobile", "preferred_channel", "consent_to_contact", "updated_at"]
        read_only_fields = ["updated_at"]

    def validate(self, attrs: dict) -> dict:
        error = contact_address_error(
            preferred_channel=attrs.get("preferred_channel"),
            email=attrs.get("email"),
            mobile=attrs.get("mobile"),
        )
        if error is not None:
            raise serializers.ValidationError({error.field: error.message}, code=error.code)
        return attrs
