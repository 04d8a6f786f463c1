"""API output for the feasibility metrics (from the latest snapshot) and analysis exports."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.clinical.outcome_labels import ARM_LABELS
from apps.dashboards import metrics
from apps.dashboards.models import ExportDataset, ExportFormat, ExportJob
from apps.dashboards.report_versions import ReportVersion
from apps.patients.models import Arm

ARM_CHOICES = list(ARM_LABELS.items())
LIGHTS = [metrics.GREEN, metrics.AMBER, metrics.RED, metrics.UNKNOWN]


class ProportionSerializer(serializers.Serializer):
    """A count out of a denominator, as a percentage with its Wilson 95% interval."""

    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)


# Each cell shape is closed (additionalProperties false), so a cell matches exactly one of the
# oneOf shapes: a mean with its interval would otherwise also match the mean-and-SD shape.
_PROPORTION = {
    "type": "object",
    "properties": {
        "numerator": {"type": "integer"},
        "denominator": {"type": "integer"},
        "percent": {"type": "number", "nullable": True},
        "ci_low": {"type": "number", "nullable": True},
        "ci_high": {"type": "number", "nullable": True},
    },
    "required": ["numerator", "denominator", "percent", "ci_low", "ci_high"],
    "additionalProperties": False,
}
_MEAN = {
    "type": "object",
    "properties": {
        "n": {"type": "integer"},
        "mean": {"type": "number", "nullable": True},
        "sd": {"type": "number", "nullable": True},
        "ci_low": {"type": "number", "nullable": True},
        "ci_high": {"type": "number", "nullable": True},
    },
    "required": ["n", "mean", "sd", "ci_low", "ci_high"],
    "additionalProperties": False,
}

# (2nd ed.) Sessions attended per participant, a mean per arm, a difference between arms.
_SPREAD = {
    "type": "object",
    "properties": {
        "n": {"type": "integer"},
        "median": {"type": "number", "nullable": True},
        "q1": {"type": "number", "nullable": True},
        "q3": {"type": "number", "nullable": True},
    },
    "required": ["n", "median", "q1", "q3"],
    "additionalProperties": False,
}
_SUMMARY = {
    "type": "object",
    "properties": {
        "n": {"type": "integer"},
        "mean": {"type": "number", "nullable": True},
        "sd": {"type": "number", "nullable": True},
    },
    "required": ["n", "mean", "sd"],
    "additionalProperties": False,
}
_DIFFERENCE = {
    "type": "object",
    "properties": {
        "n_intervention": {"type": "integer"},
        "n_control": {"type": "integer"},
        "estimate": {"type": "number", "nullable": True},
        "ci_low": {"type": "number", "nullable": True},
        "ci_high": {"type": "number", "nullable": True},
        "df": {"type": "integer", "nullable": True},
    },
    "required": ["n_intervention", "n_control", "estimate", "ci_low", "ci_high", "df"],
    "additionalProperties": False,
}


@extend_schema_field(
    {
        "nullable": True,
        "oneOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "boolean"},
            _PROPORTION,
            _MEAN,
            _SPREAD,
            _SUMMARY,
            _DIFFERENCE,
        ],
        "description": "Text, a number, a proportion, a mean estimate, a median with its "
        "quartiles, a mean with its SD, or a difference in means between arms.",
    }
)
class CellField(serializers.Field):
    """One cell of a metrics table."""

    def to_representation(self, value):
        return value  # already plain: report_to_dict turns proportions and means into objects


class TableSerializer(serializers.Serializer):
    """One dashboard table (what its chart and CSV download show)."""

    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellField(allow_null=True)))
    note = serializers.CharField(allow_blank=True)


class CriterionSerializer(serializers.Serializer):
    """One progression criterion's traffic light and the figure behind it."""

    key = serializers.CharField()
    label = serializers.CharField()
    light = serializers.ChoiceField(choices=LIGHTS)
    value = ProportionSerializer(allow_null=True)
    green_from = serializers.FloatField()
    amber_from = serializers.FloatField()
    explanation = serializers.CharField()
    interim_note = serializers.CharField(
        allow_blank=True,
        help_text="While some participants have not reached 3 months: the interim denominator.",
    )


class HeadlineSerializer(serializers.Serializer):
    """The dashboard's headline figures."""

    screened = serializers.IntegerField()
    eligible = serializers.IntegerField()
    consented = serializers.IntegerField()
    randomised = serializers.IntegerField()
    target = serializers.IntegerField()
    expected_now = serializers.FloatField(
        help_text="Target expected over the months shown (from each site's opening to today "
        "without a month filter): the denominator of `recruitment`."
    )
    recruitment = ProportionSerializer()
    eligibility_rate = ProportionSerializer()
    consent_rate = ProportionSerializer()
    completion_3m = ProportionSerializer()
    alerts_open = serializers.IntegerField()


class MetricsSerializer(serializers.Serializer):
    """Feasibility metrics for your sites from the latest snapshot (null until the first one)."""

    snapshot_id = serializers.IntegerField(allow_null=True)
    snapshot_finished_at = serializers.DateTimeField(allow_null=True)
    snapshot_age_seconds = serializers.FloatField(allow_null=True)
    building_snapshot_id = serializers.IntegerField(
        allow_null=True, help_text="A newer snapshot being built now, if any."
    )
    as_of = serializers.DateField(allow_null=True)
    randomised_pilot = serializers.BooleanField(allow_null=True)
    arms = serializers.ListField(child=serializers.ChoiceField(choices=ARM_CHOICES))
    headline = HeadlineSerializer(allow_null=True)
    criteria = CriterionSerializer(many=True)
    tables = TableSerializer(many=True)


class MetricsQuerySerializer(serializers.Serializer):
    """Narrow the figures: one of your sites, one arm, a month range (YYYY-MM)."""

    site = serializers.CharField(required=False, max_length=5, help_text="Site code.")
    arm = serializers.ChoiceField(choices=ARM_CHOICES, required=False)
    month_from = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
    month_to = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False)

    def validate(self, attrs: dict) -> dict:
        """The end month may not come before the start month (the dashboard form's rule)."""
        start, end = attrs.get("month_from"), attrs.get("month_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"month_to": "The end month cannot be before the start month."}
            )
        return attrs


class SnapshotRequestSerializer(serializers.Serializer):
    """A snapshot build that has been started (or was already running)."""

    snapshot_id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()


class ExportJobSerializer(serializers.ModelSerializer):
    """An export request: also the access log of who exported what, and when."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    filters = serializers.DictField(child=serializers.CharField(), read_only=True)
    download_ready = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "requested_by",
            "dataset",
            "file_format",
            "filters",
            "status",
            "progress",
            "row_count",
            "error",
            "created_at",
            "finished_at",
            "downloaded_at",
            "file_deleted_at",
            "data_lock",
            "download_ready",
        ]
        read_only_fields = fields

    def get_download_ready(self, job: ExportJob) -> bool:
        return job.status == "ready"


class ExportFiltersSerializer(serializers.Serializer):
    """A dataset's site and arm; the steering committee report's version (open or closed)."""

    site = serializers.CharField(required=False, allow_blank=True, max_length=5)
    arm = serializers.ChoiceField(
        choices=Arm.choices,
        required=False,
        allow_blank=True,
    )
    version = serializers.ChoiceField(
        choices=[v.value for v in ReportVersion],
        required=False,
        help_text="Steering committee report only: open (arms pooled, the default) or closed.",
    )


class ExportRequestSerializer(serializers.Serializer):
    """Which dataset, in which format, for which site and arm (or the steering committee
    report: file_format pdf or html, filters.version)."""

    dataset = serializers.ChoiceField(choices=ExportDataset.choices)
    file_format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = ExportFiltersSerializer(required=False)
