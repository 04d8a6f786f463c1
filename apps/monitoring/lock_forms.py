"""The lock and unlock forms: they read what is typed; apps/sites/lock_rules.py judges it."""

from django import forms

from apps.patients.forms import DomainErrorFormMixin
from apps.sites.lock_rules import REASON_MAX_LENGTH

WHOLE_PILOT = "pilot"


class LockForm(DomainErrorFormMixin, forms.Form):
    """What to freeze (the whole pilot or one site) and why."""

    scope = forms.ChoiceField(label="Lock", choices=())
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='For example "Final analysis of the 6-month outcomes, SAP v2.0".',
    )
    field_aliases = {"site": "scope"}

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {str(site.pk): site for site in sites}
        self.fields["scope"].choices = [(WHOLE_PILOT, "The whole pilot (every site)")] + [
            (key, f"{site.code} {site.name}") for key, site in self.sites.items()
        ]

    def chosen_site(self):
        """The site chosen, or None for the whole pilot."""
        return self.sites.get(self.cleaned_data["scope"])


class UnlockForm(DomainErrorFormMixin, forms.Form):
    """Why the lock is lifted."""

    reason = forms.CharField(
        label="Reason for unlocking",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
