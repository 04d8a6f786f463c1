"""API input and output for measures, safety alerts and questionnaire invitations.

Scores (total, severity, risk, CO band) are computed by the scorers in the services; they are
read-only here, and the participant, session and author are set by the server.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.clinical import scoring
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
    Source,
    TherapySessionsReport,
    Timepoint,
)

_MEASURE_FIELDS = [
    "id",
    "participant",
    "completed_on",
    "timepoint",
    "source",
    "session",
    "follow_up",
    "recorded_by",
    "created_at",
]


class _MeasureOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    session = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    follow_up = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    recorded_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)


def _items_output(count: int) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=3),
        min_length=count,
        max_length=count,
        read_only=True,
    )


class QuestionnaireItems(serializers.ListField):
    """The answers in order, each 0-3; a problem is named by the item's number on the form (1-9).

    DRF would name a bad answer by its list index ("items.8" for PHQ-9 item 9).
    """

    def __init__(self, questionnaire: str, count: int, **kwargs):
        # Nulls pass through so the scorer can name each missing item in its message.
        super().__init__(
            child=serializers.IntegerField(
                min_value=scoring.ITEM_MIN, max_value=scoring.ITEM_MAX, allow_null=True
            ),
            min_length=count,
            max_length=count,
            help_text=f"The {count} answers in order, each 0-3; every item is required.",
            **kwargs,
        )
        self.questionnaire = questionnaire

    def run_child_validation(self, data: list) -> list:
        """Each answer checked; every bad one named in one round by its item number."""
        values, problems = [], []
        for number, answer in enumerate(data, start=1):
            try:
                values.append(self.child.run_validation(answer))
            except serializers.ValidationError:
                problems.append(
                    f"{self.questionnaire} item {number} must be an integer from "
                    f"{scoring.ITEM_MIN} to {scoring.ITEM_MAX}."
                )
        if problems:
            raise serializers.ValidationError(problems)
        return values


DIFFICULTY_HELP = (
    "Optional, not scored: "
    + scoring.PHQ9_DIFFICULTY_QUESTION
    + " "
    + ", ".join(f"{value} {label}" for value, label in scoring.PHQ9_DIFFICULTY_CHOICES)
    + "; null when not asked."
)
DIFFICULTY_MESSAGE = (
    f"PHQ-9 difficulty must be an integer from {scoring.PHQ9_DIFFICULTY_RANGE}, or null."
)


def difficulty_input() -> serializers.IntegerField:
    """The optional, unscored PHQ-9 difficulty answer as API input (0-3 or null)."""
    return serializers.IntegerField(
        min_value=0,
        max_value=3,
        required=False,
        allow_null=True,
        default=None,
        help_text=DIFFICULTY_HELP,
        error_messages={
            "invalid": DIFFICULTY_MESSAGE,
            "min_value": DIFFICULTY_MESSAGE,
            "max_value": DIFFICULTY_MESSAGE,
            "max_string_length": DIFFICULTY_MESSAGE,
        },
    )


class PHQ9Serializer(_MeasureOutput):
    """A scored PHQ-9; risk is true when item 9 is above 0 (a safety alert is raised)."""

    items = _items_output(9)
    difficulty = serializers.IntegerField(
        min_value=0, max_value=3, allow_null=True, read_only=True, help_text=DIFFICULTY_HELP
    )
    severity = serializers.ChoiceField(choices=scoring.PHQ9_SEVERITIES, read_only=True)
    safety_alert = serializers.SerializerMethodField()

    class Meta:
        model = PHQ9Response
        fields = [
            *_MEASURE_FIELDS,
            "items",
            "difficulty",
            "total",
            "severity",
            "risk",
            "safety_alert",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_safety_alert(self, response: PHQ9Response) -> str | None:
        alert = getattr(response, "safety_alert", None)
        return str(alert.public_id) if alert else None


class GAD7Serializer(_MeasureOutput):
    """A scored GAD-7."""

    items = _items_output(7)
    severity = serializers.ChoiceField(choices=scoring.GAD7_SEVERITIES, read_only=True)

    class Meta:
        model = GAD7Response
        fields = [*_MEASURE_FIELDS, "items", "total", "severity"]
        read_only_fields = fields


class SmokingStatusSerializer(_MeasureOutput):
    """A smoking status report."""

    class Meta:
        model = SmokingStatusReport
        fields = [
            *_MEASURE_FIELDS,
            "smoked_last_7_days",
            "cigarettes_last_7_days",
            "smoke_free_since_day_14",
            "cigarettes_since_day_14",
            "stopped_on",
            "cigarettes_per_day",
            "minutes_to_first_cigarette",
            "quit_attempt_since_last_contact",
            "uses_e_cigarette",
            "uses_stop_smoking_medication",
        ]
        read_only_fields = fields


class COReadingSerializer(serializers.ModelSerializer):
    """An exhaled CO reading with its display band; below 10 ppm verifies abstinence."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    session = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    follow_up = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    taken_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    band = serializers.SerializerMethodField()
    verifies_abstinence = serializers.SerializerMethodField()

    class Meta:
        model = COReading
        fields = [
            "id",
            "participant",
            "ppm",
            "band",
            "verifies_abstinence",
            "taken_at",
            "timepoint",
            "source",
            "session",
            "follow_up",
            "taken_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=[scoring.CO_NON_SMOKER, scoring.CO_BORDERLINE, scoring.CO_SMOKER]
        )
    )
    def get_band(self, reading: COReading) -> str:
        return scoring.co_band(reading.ppm)

    def get_verifies_abstinence(self, reading: COReading) -> bool:
        return scoring.co_verifies_abstinence(reading.ppm)


class _MeasureInput(serializers.Serializer):
    timepoint = serializers.ChoiceField(
        choices=Timepoint.choices,
        required=False,
        help_text="Defaults to the follow-up's timepoint, else 'session'.",
    )
    source = serializers.ChoiceField(choices=Source.choices, default=Source.IN_SESSION)
    session = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A session of this participant."
    )
    follow_up = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A follow-up of this participant; a smoking report completes it.",
    )


class PHQ9InputSerializer(_MeasureInput):
    items = QuestionnaireItems("PHQ-9", 9)
    difficulty = difficulty_input()
    completed_on = serializers.DateField()


class GAD7InputSerializer(_MeasureInput):
    items = QuestionnaireItems("GAD-7", 7)
    completed_on = serializers.DateField()


class SmokingStatusInputSerializer(_MeasureInput):
    source = serializers.ChoiceField(choices=Source.choices, default=Source.PHONE)
    completed_on = serializers.DateField()
    smoked_last_7_days = serializers.BooleanField()
    cigarettes_last_7_days = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    smoke_free_since_day_14 = serializers.BooleanField(
        required=False, allow_null=True, default=None
    )
    cigarettes_since_day_14 = serializers.IntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True, default=None
    )
    stopped_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="(3 and 6 months) The date the participant stopped smoking: required when "
        "they have not smoked in the last 7 days. The earliest is the reference quit date of "
        "a participant without a session quit date.",
    )
    cigarettes_per_day = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        default=None,
        help_text="(3 and 6 months, still smoking) Cigarettes a day now, for the HSI at follow-up.",
    )
    minutes_to_first_cigarette = serializers.IntegerField(
        min_value=0,
        max_value=1440,
        required=False,
        allow_null=True,
        default=None,
        help_text="(3 and 6 months, still smoking) Minutes from waking to the first cigarette.",
    )
    quit_attempt_since_last_contact = serializers.BooleanField()
    uses_e_cigarette = serializers.BooleanField()
    uses_stop_smoking_medication = serializers.BooleanField()


class TherapySessionsSerializer(_MeasureOutput):
    """Talking Therapies sessions since randomisation, reported at the 3- or 6-month follow-up."""

    class Meta:
        model = TherapySessionsReport
        fields = [*_MEASURE_FIELDS, "sessions_planned", "sessions_attended", "sessions_dna"]
        read_only_fields = fields


class TherapySessionsInputSerializer(_MeasureInput):
    """Usual psychological care at 3 or 6 months (timepoint month3 or month6, or a follow-up)."""

    source = serializers.ChoiceField(choices=Source.choices, default=Source.PHONE)
    completed_on = serializers.DateField()
    sessions_planned = serializers.IntegerField(min_value=0, max_value=60)
    sessions_attended = serializers.IntegerField(min_value=0, max_value=60)
    sessions_dna = serializers.IntegerField(
        min_value=0, max_value=60, help_text="Sessions not attended (did not attend)."
    )


class COReadingInputSerializer(_MeasureInput):
    ppm = serializers.IntegerField(min_value=0, max_value=100, help_text="Integer ppm, 0-100.")
    taken_at = serializers.DateTimeField()


class SafetyAlertSerializer(serializers.ModelSerializer):
    """A safety alert raised by a PHQ-9 item 9 above 0."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    phq9 = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    phq9_total = serializers.IntegerField(source="phq9.total", read_only=True, allow_null=True)
    phq9_item9 = serializers.IntegerField(
        source="item9", read_only=True, help_text="The item 9 answer that raised the alert."
    )
    item9_now = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The questionnaire draft's item 9 after a change (null when never changed).",
    )
    submitted = serializers.BooleanField(
        read_only=True, help_text="False while the answer is only on an unsubmitted draft."
    )
    acknowledged_by = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True
    )
    is_open = serializers.BooleanField(read_only=True)
    time_to_acknowledge_seconds = serializers.SerializerMethodField()

    class Meta:
        model = SafetyAlert
        fields = [
            "id",
            "participant",
            "phq9",
            "phq9_total",
            "phq9_item9",
            "item9_now",
            "item9_changed_at",
            "submitted",
            "raised_at",
            "is_open",
            "acknowledged_at",
            "acknowledged_by",
            "action_taken",
            "time_to_acknowledge_seconds",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_to_acknowledge_seconds(self, alert: SafetyAlert) -> int | None:
        if alert.time_to_acknowledge is None:
            return None
        return int(alert.time_to_acknowledge.total_seconds())


class AcknowledgeInputSerializer(serializers.Serializer):
    action_taken = serializers.CharField(
        max_length=5000, help_text="What you did (at least 5 characters)."
    )


class InvitationInputSerializer(serializers.Serializer):
    follow_up = serializers.UUIDField(help_text="An open follow-up of this participant.")


class InvitationSerializer(serializers.Serializer):
    """A single-use questionnaire link; the URL is shown once and never stored."""

    url = serializers.URLField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    follow_up = serializers.UUIDField(read_only=True)
    timepoint = serializers.CharField(read_only=True)
