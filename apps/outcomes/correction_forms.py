"""The forms that correct a recorded PHQ-9, GAD-7 or CO reading: the answers, then why."""

from django import forms

from apps.corrections.forms import CorrectionReasonMixin
from apps.patients.forms import DomainErrorFormMixin
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
