"""The deviation log over the API: what is shown, and what staff send."""

from rest_framework import serializers

from apps.conduct.models import DeviationRule, ProtocolDeviation
from apps.conduct.rules import DeviationValues


class DeviationSerializer(serializers.ModelSerializer):
    """One deviation as the log shows it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    reported_by = serializers.SlugRelatedField(
        slug_field="email",
        read_only=True,
        allow_null=True,
        help_text="Null when one of the platform's checks raised it (see `rule`).",
    )
    rule = serializers.ChoiceField(
        choices=DeviationRule.choices,
        read_only=True,
        allow_blank=True,
        help_text="The check that raised it; empty for one staff recorded.",
    )

    class Meta:
        model = ProtocolDeviation
        fields = [
            "id",
            "participant",
            "occurred_on",
            "category",
            "description",
            "seriousness",
            "corrective_action",
            "reported_by",
            "reported_at",
            "rule",
        ]
        read_only_fields = fields


class DeviationInputSerializer(serializers.Serializer):
    """A deviation as staff send it; the rules (apps/conduct/rules.py) say what is missing."""

    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    seriousness = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    corrective_action = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )

    def values(self) -> DeviationValues:
        """The validated body as the rules take it."""
        return DeviationValues(**self.validated_data)
