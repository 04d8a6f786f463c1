"""API input and output for cessation sessions; the practitioner is always the caller."""

from rest_framework import serializers

from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.clinical.protocol import (
    BCT,
    MAX_SESSIONS,
    Attendance,
    Product,
    ProductAction,
    SessionMode,
    SessionType,
)
from apps.conduct.rules import DESCRIPTION_MAX_LENGTH
from apps.corrections.serializers import CorrectionReasonSerializer
from apps.outcomes.serializers import QuestionnaireItems, difficulty_input


class PharmacotherapySerializer(serializers.ModelSerializer):
    """A stop smoking product recommended or provided in a session."""

    product = serializers.ChoiceField(choices=Product.choices)
    action = serializers.ChoiceField(choices=ProductAction.choices)

    class Meta:
        model = PharmacotherapyRecord
        fields = ["product", "action"]


class SessionSerializer(serializers.ModelSerializer):
    """A cessation session as recorded."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    practitioner = serializers.SlugRelatedField(slug_field="email", read_only=True)
    mode = serializers.ChoiceField(choices=SessionMode.choices, allow_blank=True, read_only=True)
    bcts_delivered = serializers.ListField(
        child=serializers.ChoiceField(choices=BCT.choices), read_only=True
    )
    pharmacotherapy = PharmacotherapySerializer(many=True, read_only=True)
    contamination_deviation = serializers.SlugRelatedField(
        slug_field="public_id",
        read_only=True,
        allow_null=True,
        help_text="For a control-arm participant: the protocol deviation this session is.",
    )

    class Meta:
        model = CessationSession
        fields = [
            "id",
            "participant",
            "practitioner",
            "number",
            "session_date",
            "session_type",
            "mode",
            "attendance",
            "duration_minutes",
            "bcts_delivered",
            "quit_date_set",
            "notes",
            "pharmacotherapy",
            "contamination_deviation",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SessionInputSerializer(serializers.Serializer):
    """What a PWP enters for one session; CO, PHQ-9 and GAD-7 taken in it are optional."""

    number = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SESSIONS,
        required=False,
        help_text="Defaults to one after the last attended session.",
    )
    session_date = serializers.DateField()
    session_type = serializers.ChoiceField(
        choices=SessionType.choices,
        required=False,
        help_text="Defaults to the protocol's type for the session number.",
    )
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    mode = serializers.ChoiceField(
        choices=SessionMode.choices, required=False, allow_blank=True, default=""
    )
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=240, required=False, allow_null=True, default=None
    )
    bcts_delivered = serializers.ListField(
        child=serializers.ChoiceField(choices=BCT.choices),
        required=False,
        default=list,
        max_length=len(BCT.choices),
    )
    quit_date_set = serializers.DateField(required=False, allow_null=True, default=None)
    pharmacotherapy = PharmacotherapySerializer(many=True, required=False, default=list)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    co_ppm = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )
    phq9_items = QuestionnaireItems("PHQ-9", 9, required=False, allow_null=True, default=None)
    phq9_difficulty = difficulty_input()
    gad7_items = QuestionnaireItems("GAD-7", 7, required=False, allow_null=True, default=None)
    contamination_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=(
            "Required for a control-arm participant, refused for anyone else: the session is "
            "then logged as a major contamination deviation."
        ),
    )
    contamination_action = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text="The corrective action taken; required with contamination_reason.",
    )

    def validate_pharmacotherapy(self, value: list[dict]) -> list[dict]:
        products = [item["product"] for item in value]
        if len(products) != len(set(products)):
            raise serializers.ValidationError("List each product once.", code="duplicate")
        return value


class SessionUpdateSerializer(CorrectionReasonSerializer):
    """Corrections to a saved session's own fields, with a reason (the log keeps the old values)."""

    number = serializers.IntegerField(min_value=1, max_value=MAX_SESSIONS, required=False)
    session_date = serializers.DateField(required=False)
    session_type = serializers.ChoiceField(choices=SessionType.choices, required=False)
    attendance = serializers.ChoiceField(choices=Attendance.choices, required=False)
    mode = serializers.ChoiceField(choices=SessionMode.choices, required=False, allow_blank=True)
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=240, required=False, allow_null=True
    )
    bcts_delivered = serializers.ListField(
        child=serializers.ChoiceField(choices=BCT.choices),
        required=False,
        max_length=len(BCT.choices),
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
