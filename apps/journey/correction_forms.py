"""The consent, baseline and exit correction forms: the recorded fields, and why they change."""

import copy

from django import forms
from django.utils import timezone

from apps.clinical.choices import ExitReason
from apps.core.forms import DateInput
from apps.corrections.forms import CorrectionReasonMixin
from apps.journey.corrections import (
    EXIT_DETAIL_MAX_LENGTH,
    EXIT_LABELS,
    baseline_correction_errors,
    consent_correction_errors,
    exit_correction_errors,
)
from apps.journey.screening_corrections import (
    DETAIL_FIELD,
    ScreeningAnswers,
    screening_correction_errors,
)
from apps.patients.forms import (
    BaselineForm,
    ConsentForm,
    DomainErrorFormMixin,
    ScreeningForm,
    yes_no_field,
)
from apps.patients.models import ELIGIBILITY_CRITERIA


class ConsentCorrectionForm(CorrectionReasonMixin, ConsentForm):
    """Correct the date consent was given or the form version, with a reason."""

    def __init__(self, *args, participant, pilot, **kwargs):
        super().__init__(*args, pilot=pilot, **kwargs)
        self.participant = participant
        self.fields["consented_on"].required = False
        self.fields["consented_on"].initial = participant.consented_on
        self.fields["consent_form_version"].initial = participant.consent_form_version
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        # The service's date and version rules too, so every error shows in the first round.
        for error in consent_correction_errors(
            self.participant,
            cleaned.get("consented_on"),
            cleaned.get("consent_form_version") or "",
            timezone.localdate(),
        ):
            if error.field not in self.errors:
                self.add_error(error.field, error.message)
        return cleaned


BASELINE_FIELDS = (
    "recorded_on",
    "cigarettes_per_day",
    "minutes_to_first_cigarette",
    "year_of_birth",
    "sex",
)


class BaselineCorrectionForm(CorrectionReasonMixin, DomainErrorFormMixin, forms.Form):
    """Correct the smoking baseline (the baseline form's own fields and limits), with a reason;
    contact details change on their own page and measures through their corrections."""

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        baseline = participant.baseline
        for name in BASELINE_FIELDS:
            self.fields[name] = copy.deepcopy(BaselineForm.base_fields[name])
            self.fields[name].required = False
            self.fields[name].initial = getattr(baseline, name)
        self.add_reason_fields()

    def values(self) -> dict:
        """The corrected baseline as the service takes it."""
        return {name: self.cleaned_data.get(name) for name in BASELINE_FIELDS}

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        # The service's rules too (dates, age, HSI), so every error shows in the first round.
        for error in baseline_correction_errors(self.participant, self.values()):
            if error.field not in self.errors:
                self.add_error(error.field, error.message)
        return cleaned


class ExitCorrectionForm(CorrectionReasonMixin, DomainErrorFormMixin, forms.Form):
    """Correct the date, reason or details of a withdrawal or loss to follow-up, with a reason."""

    exit_on = forms.DateField(label=EXIT_LABELS["exit_on"], widget=DateInput(), required=False)
    exit_reason = forms.ChoiceField(
        label=EXIT_LABELS["exit_reason"],
        choices=[("", "Choose a reason")] + list(ExitReason.choices),
        required=False,
    )
    exit_reason_detail = forms.CharField(
        label=EXIT_LABELS["exit_reason_detail"] + " (optional)",
        max_length=EXIT_DETAIL_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        for name in EXIT_LABELS:
            self.fields[name].initial = getattr(participant, name)
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        for error in exit_correction_errors(
            self.participant,
            cleaned.get("exit_on"),
            cleaned.get("exit_reason") or "",
            (cleaned.get("exit_reason_detail") or "").strip(),
            timezone.localdate(),
        ):
            field = error.field if error.field in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, error.message)
        return cleaned

    def values(self) -> dict:
        """The corrected exit as correct_exit takes it."""
        data = self.cleaned_data
        return {
            "exit_on": data.get("exit_on"),
            "exit_reason": data.get("exit_reason") or "",
            "exit_reason_detail": data.get("exit_reason_detail") or "",
        }


SCREENING_FIELDS = (
    "screened_on",
    "declined",
    "exclusion_reason",
    "decline_reason",
    "reason_detail",
)


class ScreeningCorrectionForm(CorrectionReasonMixin, DomainErrorFormMixin, forms.Form):
    """Correct a screening's date, criteria or reasons (the screening form's own fields and
    rules), with a reason; the outcome follows the answers."""

    def __init__(self, *args, screening, **kwargs):
        super().__init__(*args, **kwargs)
        self.screening = screening
        self.fields["screened_on"] = copy.deepcopy(ScreeningForm.base_fields["screened_on"])
        self.fields["screened_on"].required = False
        for name, label in ELIGIBILITY_CRITERIA:
            self.fields[name] = yes_no_field(label)
            self.fields[name].initial = "yes" if getattr(screening, name) else "no"
        for name in SCREENING_FIELDS[1:]:
            self.fields[name] = copy.deepcopy(ScreeningForm.base_fields[name])
        # The correction's own explanation is reason_detail: the screening's is renamed.
        self.fields[DETAIL_FIELD] = copy.deepcopy(ScreeningForm.base_fields["reason_detail"])
        self.fields[DETAIL_FIELD].initial = screening.reason_detail
        self.fields["declined"].initial = "yes" if screening.outcome == "declined" else "no"
        for name in ("screened_on", "exclusion_reason", "decline_reason"):
            self.fields[name].initial = getattr(screening, name)
        self.add_reason_fields()

    def criteria_fields(self):
        """The bound eligibility criterion fields, in protocol order."""
        return [self[name] for name, _ in ELIGIBILITY_CRITERIA]

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        if "declined" not in self.errors:
            errors, _ = screening_correction_errors(
                self.screening, self.answers(), timezone.localdate()
            )
            for error in errors:
                field = error.field if error.field in self.fields else None
                if field is None or field not in self.errors:
                    self.add_error(field, error.message)
        return cleaned

    def answers(self) -> ScreeningAnswers:
        """The corrected screening as correct_screening takes it."""
        data = self.cleaned_data
        return ScreeningAnswers(
            screened_on=data.get("screened_on"),
            criteria={name: data.get(name) for name, _ in ELIGIBILITY_CRITERIA},
            declined=bool(data.get("declined")),
            exclusion_reason=data.get("exclusion_reason") or "",
            decline_reason=data.get("decline_reason") or "",
            reason_detail=(data.get(DETAIL_FIELD) or "").strip(),
        )
