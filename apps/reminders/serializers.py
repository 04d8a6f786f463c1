"""API output for the follow-up schedule (read-only: the schedule follows from the rules)."""

from rest_framework import serializers

from apps.reminders.models import FollowUp


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up timepoint with its window."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    participant = serializers.SlugRelatedField(slug_field="trial_id", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "participant",
            "timepoint",
            "due_on",
            "opens_on",
            "closes_on",
            "status",
            "completed_at",
        ]
        read_only_fields = fields
