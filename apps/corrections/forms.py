"""The reason every correction form asks for, checked with the form's other fields at once."""

from django import forms

from apps.corrections.models import CorrectionReason
from apps.corrections.rules import REASON_DETAIL_MAX_LENGTH, Reason
from apps.corrections.services import reason_problems


class CorrectionReasonMixin:
    """Adds "why is this corrected" (a list and a few words) to a correction form."""

    def add_reason_fields(self) -> None:
        """Put the reason fields on the form (call from __init__)."""
        self.fields["reason"] = forms.ChoiceField(
            label="Why is this being corrected?",
            choices=CorrectionReason.choices,
            widget=forms.RadioSelect,
            required=False,
        )
        self.fields["reason_detail"] = forms.CharField(
            label="Explanation",
            required=False,
            max_length=REASON_DETAIL_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text='Needed for "Other"; useful for any reason (which document, which query).',
        )

    def clean_reason_fields(self, cleaned: dict) -> None:
        """Name a missing or unexplained reason beside the form's other errors (call in clean)."""
        problems = reason_problems(cleaned.get("reason") or "", cleaned.get("reason_detail") or "")
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)

    def reason(self) -> Reason:
        """The reason as the services take it."""
        return Reason(
            self.cleaned_data.get("reason") or "", self.cleaned_data.get("reason_detail") or ""
        )
