"""The deviation form: it only reads the answers; apps/conduct/rules.py says what they must be."""

from django import forms

from apps.conduct.models import DeviationCategory, DeviationSeriousness
from apps.conduct.rules import DeviationValues
from apps.patients.forms import DomainErrorFormMixin
from apps.patients.measure_fields import DateInput


class DeviationForm(DomainErrorFormMixin, forms.Form):
    """Date, category, description, seriousness and corrective action of one deviation."""

    occurred_on = forms.DateField(label="Date of the deviation", widget=DateInput(), required=False)
    category = forms.ChoiceField(
        choices=DeviationCategory.choices, widget=forms.RadioSelect, required=False
    )
    description = forms.CharField(
        label="What departed from the protocol",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    seriousness = forms.ChoiceField(
        choices=DeviationSeriousness.choices, widget=forms.RadioSelect, required=False
    )
    corrective_action = forms.CharField(
        label="Corrective action (required for a major deviation)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def values(self) -> DeviationValues:
        """The answers as the rules take them (a date that did not parse is None)."""
        data = getattr(self, "cleaned_data", {})
        return DeviationValues(
            occurred_on=data.get("occurred_on"),
            category=data.get("category") or self.data.get("category", ""),
            description=data.get("description") or "",
            seriousness=data.get("seriousness") or self.data.get("seriousness", ""),
            corrective_action=data.get("corrective_action") or "",
        )

    def add_rule_errors(self, errors: dict[str, str]) -> None:
        """Each broken rule beside its field, unless the field already says why it is wrong."""
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
