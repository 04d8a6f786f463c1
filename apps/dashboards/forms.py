"""Forms for the dashboard filters, threshold changes and export requests."""

import re

from django import forms

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards.export_jobs import DATASET_FORMATS, REPORT_FORMATS
from apps.dashboards.interview_sampling import SAMPLING_OUTCOMES
from apps.dashboards.models import ExportDataset, ExportFormat
from apps.dashboards.report_versions import ReportVersion
from apps.patients.models import Arm

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _style(form: forms.Form) -> None:
    for name, field in form.fields.items():
        css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        field.widget.attrs.setdefault("class", css)
        if field.help_text:
            field.widget.attrs.setdefault("aria-describedby", f"id_{name}-help")


class DashboardFilterForm(forms.Form):
    """Site, arm and a month range; every field optional."""

    site = forms.ChoiceField(label="Site", required=False)
    arm = forms.ChoiceField(
        label="Arm",
        required=False,
        choices=[("", "Both arms"), *Arm.choices],
    )
    month_from = forms.CharField(
        label="From month",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text="Randomised (or screened) from this month.",
    )
    month_to = forms.CharField(
        label="To month",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text="Up to the end of this month.",
    )

    def __init__(self, *args, site_choices: list[tuple[str, str]], randomised: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All sites you can see"), *site_choices]
        if not randomised:
            self.fields["arm"].choices = [("", "Single arm")]
        _style(self)

    def _month(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not MONTH.match(value):
            raise forms.ValidationError("Enter a month as YYYY-MM, for example 2025-03.")
        return value

    def clean_month_from(self) -> str:
        return self._month("month_from")

    def clean_month_to(self) -> str:
        return self._month("month_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("month_from"), data.get("month_to")
        if start and end and start > end:
            self.add_error("month_to", "The end month cannot be before the start month.")
        return data


class CriterionForm(forms.Form):
    """New traffic-light thresholds for one progression criterion (percentages)."""

    green_from = forms.DecimalField(
        label="Green from (%)", min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
    amber_from = forms.DecimalField(
        label="Amber from (%)", min_value=0, max_value=100, decimal_places=2, max_digits=5
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ExportRequestForm(forms.Form):
    """Which dataset, in which format, for which sites and arm."""

    dataset = forms.ChoiceField(
        label="Dataset",
        choices=[c for c in ExportDataset.choices if c[0] != ExportDataset.STEERING_REPORT],
    )
    file_format = forms.ChoiceField(
        label="File format",
        choices=[c for c in ExportFormat.choices if c[0] in DATASET_FORMATS],
    )
    site = forms.ChoiceField(label="Site", required=False)
    arm = forms.ChoiceField(
        label="Arm",
        required=False,
        choices=[("", "Both arms"), *Arm.choices],
    )

    def __init__(self, *args, site_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All sites"), *site_choices]
        _style(self)


class CommitteeReportForm(forms.Form):
    """The steering committee report: open (arms pooled) or closed (by arm), as PDF or HTML."""

    version = forms.ChoiceField(
        label="Report version",
        choices=[
            (ReportVersion.OPEN.value, "Open: both arms pooled, for the steering committee"),
            (ReportVersion.CLOSED.value, "Closed: by arm, for the data monitoring committee"),
        ],
        initial=ReportVersion.OPEN.value,
    )
    file_format = forms.ChoiceField(
        label="Report file format",
        choices=[c for c in ExportFormat.choices if c[0] in REPORT_FORMATS],
        initial=ExportFormat.PDF.value,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="report", **kwargs)
        _style(self)


class SamplingFilterForm(forms.Form):
    """Which candidates to list: a site, an arm, an outcome (each optional)."""

    site = forms.ChoiceField(label="Site", required=False)
    arm = forms.ChoiceField(label="Arm", required=False)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any"), *SAMPLING_OUTCOMES.items()]
    )

    def __init__(self, *args, sites: list[str], arms: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All sites"), *[(s, s) for s in sites]]
        self.fields["arm"].choices = [("", "Both arms"), *[(a, ARM_HEADINGS[a]) for a in arms]]
        _style(self)
