"""API shapes for adverse events: server-set fields are read-only."""

from rest_framework import serializers

from apps.safety.models import AdverseEvent, Outcome, Relatedness, Seriousness, Severity
from apps.safety.rules import AdverseEventValues
from apps.safety.services import FIELDS


class AdverseEventSerializer(serializers.ModelSerializer):
    """An adverse event; `serious_since` is the start of the sponsor's reporting clock."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    reported_to_sponsor_by = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True
    )
    seriousness_criteria = serializers.ListField(
        child=serializers.ChoiceField(choices=Seriousness.choices), read_only=True
    )

    class Meta:
        model = AdverseEvent
        fields = [
            "id",
            "participant",
            *FIELDS,
            "aware_at",
            "serious_since",
            "sae_notified_at",
            "reported_to_sponsor_at",
            "reported_to_sponsor_by",
            "recorded_by",
        ]
        read_only_fields = fields


class AdverseEventInputSerializer(serializers.Serializer):
    """What staff say of an adverse event; the rules (apps/safety/rules.py) check the whole."""

    onset_on = serializers.DateField()
    description = serializers.CharField(max_length=5000)
    severity = serializers.ChoiceField(choices=Severity.choices)
    serious = serializers.BooleanField()
    seriousness_criteria = serializers.ListField(
        child=serializers.ChoiceField(choices=Seriousness.choices), required=False, default=list
    )
    relatedness = serializers.ChoiceField(choices=Relatedness.choices)
    expected = serializers.BooleanField(required=False, allow_null=True, default=None)
    action_taken = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)
    date_of_death = serializers.DateField(required=False, allow_null=True, default=None)

    def values(self) -> AdverseEventValues:
        """The validated body as the rules take it."""
        data = dict(self.validated_data)
        data["seriousness_criteria"] = tuple(data["seriousness_criteria"])
        return AdverseEventValues(**data)
