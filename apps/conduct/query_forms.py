"""The data query forms: they only read what is typed; apps/conduct/query_rules.py judges it."""

from django import forms

from apps.conduct.query_rules import TEXT_MAX_LENGTH
from apps.patients.forms import DomainErrorFormMixin


class RaiseQueryForm(DomainErrorFormMixin, forms.Form):
    """What the query is about and the question."""

    about = forms.CharField(
        label="About (optional)",
        required=False,
        max_length=200,
        help_text='The record or field, e.g. "CO reading of 3 March, 45 ppm".',
    )
    text = forms.CharField(
        label="Query",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueryStepForm(DomainErrorFormMixin, forms.Form):
    """An answer, a closing note or why it is re-opened."""

    text = forms.CharField(
        label="Your answer or note",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
