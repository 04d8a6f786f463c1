"""The forms that correct a recorded PHQ-9, GAD-7, CO reading or smoking status report: the
answers, then why."""

from django import forms

from apps.core.forms import DateInput, DomainErrorFormMixin
from apps.corrections.forms import CorrectionReasonMixin
from apps.outcomes.corrections import SMOKING_LABELS, SmokingAnswers, smoking_correction_errors
from apps.patients.forms import yes_no_field
from apps.patients.measure_fields import (
    DIFFICULTY,
    add_questionnaire_fields,
    clean_questionnaire,
    co_field,
    item_field_names,
)


class QuestionnaireCorrectionForm(CorrectionReasonMixin, DomainErrorFormMixin, forms.Form):
    """Every answer of one PHQ-9 or GAD-7, shown as recorded, and the reason."""

    field_aliases = {"phq9_items": "phq9_1", "gad7_items": "gad7_1"}

    def __init__(self, *args, questionnaire: str, response, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        add_questionnaire_fields(self, questionnaire, required=True)
        for name, value in zip(item_field_names(questionnaire), response.items, strict=True):
            self.fields[name].initial = value
        if questionnaire == "phq9":
            self.fields[DIFFICULTY].initial = response.difficulty
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        cleaned["items"] = clean_questionnaire(self, self.questionnaire)
        self.clean_reason_fields(cleaned)
        return cleaned


class COCorrectionForm(CorrectionReasonMixin, DomainErrorFormMixin, forms.Form):
    """A CO reading's ppm, shown as recorded, and the reason."""

    field_aliases = {"ppm": "co_ppm"}

    def __init__(self, *args, reading, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_ppm"] = co_field(required=True)
        self.fields["co_ppm"].initial = reading.ppm
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        return cleaned


YES_NO_UNASKED = [("yes", "Yes"), ("no", "No"), ("", "Not asked")]


def _answer(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _yes_no(name: str, *, optional: bool = False) -> forms.TypedChoiceField:
    if not optional:
        return yes_no_field(SMOKING_LABELS[name])
    return forms.TypedChoiceField(
        label=SMOKING_LABELS[name],
        choices=YES_NO_UNASKED,
        coerce=_answer,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def _count(name: str, high: int) -> forms.IntegerField:
    message = f"{SMOKING_LABELS[name]} must be a whole number from 0 to {high}."
    return forms.IntegerField(
        label=SMOKING_LABELS[name],
        required=False,
        min_value=0,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _shown(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


class SmokingCorrectionForm(CorrectionReasonMixin, DomainErrorFormMixin, forms.Form):
    """Every answer of one smoking status report, shown as recorded, and the reason; the
    report's rules (apps/clinical/smoking_report_rules.py) are checked by the service."""

    YES_NO_FIELDS = ("smoked_last_7_days", "quit_attempt_since_last_contact", "uses_e_cigarette",
                     "uses_stop_smoking_medication")  # fmt: skip

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["smoked_last_7_days"] = _yes_no("smoked_last_7_days")
        self.fields["cigarettes_last_7_days"] = _count("cigarettes_last_7_days", 1000)
        self.fields["smoke_free_since_day_14"] = _yes_no("smoke_free_since_day_14", optional=True)
        self.fields["cigarettes_since_day_14"] = _count("cigarettes_since_day_14", 20000)
        self.fields["stopped_on"] = forms.DateField(
            label=SMOKING_LABELS["stopped_on"], required=False, widget=DateInput()
        )
        for name in self.YES_NO_FIELDS[1:]:
            self.fields[name] = _yes_no(name)
        for name in SMOKING_LABELS:
            value = getattr(report, name)
            self.fields[name].initial = _shown(value) if isinstance(value, bool) else value
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        if not any(name in self.errors for name in SMOKING_LABELS):
            # The report's own rules, shown with the reason in the first round.
            for error in smoking_correction_errors(self.report, self.answers()):
                if error.field in self.fields and error.field not in self.errors:
                    self.add_error(error.field, error.message)
        return cleaned

    def answers(self) -> SmokingAnswers:
        """The answers as the correction service takes them."""
        return SmokingAnswers(**{name: self.cleaned_data.get(name) for name in SMOKING_LABELS})
