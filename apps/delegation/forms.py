"""The delegation log's forms: they read what is typed; apps/delegation/rules.py judges it."""

from django import forms

from apps.core.forms import DateInput, DomainErrorFormMixin
from apps.delegation.models import Duty, TrainingKind
from apps.delegation.rules import REFERENCE_MAX_LENGTH


class DelegationForm(DomainErrorFormMixin, forms.Form):
    """Delegate one or more duties to a staff member at a site, from a date."""

    user = forms.ModelChoiceField(label="Staff member", queryset=None)
    site = forms.ModelChoiceField(label="Site", queryset=None, empty_label=None)
    duties = forms.MultipleChoiceField(
        label="Duties", choices=Duty.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    starts_on = forms.DateField(label="Delegated from", widget=DateInput())
    ends_on = forms.DateField(
        label="Delegated until (optional)",
        widget=DateInput(),
        required=False,
        help_text="Leave blank while the duty goes on; end it later from the log.",
    )

    def __init__(self, *args, staff, sites, **kwargs):
        # Both forms share a page: their own ids keep each label on its own field.
        super().__init__(*args, auto_id="delegate_%s", **kwargs)
        self.fields["user"].queryset = staff
        self.fields["site"].queryset = sites


class EndDelegationForm(DomainErrorFormMixin, forms.Form):
    """The last day a delegated duty holds."""

    ends_on = forms.DateField(label="Last day", widget=DateInput(), required=False)


class TrainingForm(DomainErrorFormMixin, forms.Form):
    """A completed training or certificate, with its expiry date if it has one."""

    user = forms.ModelChoiceField(label="Staff member", queryset=None)
    kind = forms.ChoiceField(label="Training", choices=TrainingKind.choices)
    completed_on = forms.DateField(label="Completed on", widget=DateInput(), required=False)
    expires_on = forms.DateField(
        label="Expires on (optional)",
        widget=DateInput(),
        required=False,
        help_text="The holder and their site lead are told 30 days before.",
    )
    certificate_reference = forms.CharField(
        label="Certificate reference (optional)", max_length=REFERENCE_MAX_LENGTH, required=False
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, auto_id="training_%s", **kwargs)
        self.fields["user"].queryset = staff
