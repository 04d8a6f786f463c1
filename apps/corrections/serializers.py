"""The reason every correction over the API carries; the rules say what is missing."""

from rest_framework import serializers

from apps.corrections.models import Correction
from apps.corrections.rules import REASON_DETAIL_MAX_LENGTH, Reason


class CorrectionReasonSerializer(serializers.Serializer):
    """`reason` (a code) and `reason_detail`; a correction without a reason is refused."""

    reason = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Required: entry_error, source_differs, data_query, late_information or other "
            "(other needs reason_detail)."
        ),
    )
    reason_detail = serializers.CharField(
        max_length=REASON_DETAIL_MAX_LENGTH, required=False, allow_blank=True, default=""
    )

    @staticmethod
    def pop_reason(values: dict) -> Reason:
        """Take the reason out of the validated values, leaving the fields to correct."""
        return Reason(values.pop("reason", ""), values.pop("reason_detail", ""))


class CorrectionSerializer(serializers.ModelSerializer):
    """One corrected value: the record, the field, old and new, who, when and why."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    corrected_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Correction
        fields = [
            "id",
            "record_type",
            "record_id",
            "record_label",
            "field",
            "field_label",
            "old_value",
            "new_value",
            "reason",
            "reason_detail",
            "corrected_by",
            "corrected_at",
        ]
        read_only_fields = fields
