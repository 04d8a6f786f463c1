"""The adverse event form: shapes the answers; apps/safety/rules.py holds the rules."""

from django import forms

from apps.patients.forms import DomainErrorFormMixin
from apps.patients.measure_fields import DateInput
from apps.safety.models import AdverseEvent, Outcome, Relatedness, Seriousness, Severity
from apps.safety.rules import AdverseEventValues

_EXPECTED = [("", "Not said"), ("yes", "Expected"), ("no", "Unexpected")]


class AdverseEventForm(DomainErrorFormMixin, forms.Form):
    """Onset, description, severity, seriousness (ICH E2A), relatedness, outcome and dates."""

    onset_on = forms.DateField(label="Onset date", widget=DateInput())
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(choices=Severity.choices, widget=forms.RadioSelect)
    serious = forms.TypedChoiceField(
        label="Is the event serious?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    seriousness_criteria = forms.MultipleChoiceField(
        label="Seriousness criteria (serious events only)",
        choices=Seriousness.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    relatedness = forms.ChoiceField(
        label="Relatedness to the cessation treatment",
        choices=Relatedness.choices,
        widget=forms.RadioSelect,
    )
    expected = forms.TypedChoiceField(
        label="Expected?",
        choices=_EXPECTED,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    action_taken = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    resolved_on = forms.DateField(label="Resolution date", widget=DateInput(), required=False)
    date_of_death = forms.DateField(widget=DateInput(), required=False)

    @classmethod
    def initial_from(cls, event: AdverseEvent) -> dict:
        """The form's initial values from a stored event (for a follow-up update)."""
        expected = {True: "yes", False: "no"}.get(event.expected, "")
        return {
            "onset_on": event.onset_on,
            "description": event.description,
            "severity": event.severity,
            "serious": "yes" if event.serious else "no",
            "seriousness_criteria": event.seriousness_criteria,
            "relatedness": event.relatedness,
            "expected": expected,
            "action_taken": event.action_taken,
            "outcome": event.outcome,
            "resolved_on": event.resolved_on,
            "date_of_death": event.date_of_death,
        }

    def values(self) -> AdverseEventValues:
        """The cleaned answers as the rules take them."""
        data = self.cleaned_data
        return AdverseEventValues(
            onset_on=data["onset_on"],
            description=data["description"],
            severity=data["severity"],
            serious=data["serious"],
            seriousness_criteria=tuple(data["seriousness_criteria"]),
            relatedness=data["relatedness"],
            expected=data["expected"],
            action_taken=data["action_taken"],
            outcome=data["outcome"],
            resolved_on=data["resolved_on"],
            date_of_death=data["date_of_death"],
        )

    def add_rule_errors(self, errors: dict[str, str]) -> None:
        """Every rule the record broke, each beside its field."""
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
