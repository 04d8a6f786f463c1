"""The follow-up contact form: smoking status, heaviness, usual care, CO, PHQ-9 and GAD-7."""

from django import forms
from django.utils import timezone

from apps.clinical.questionnaire_content import (
    MAX_CIGARETTES_SINCE_DAY_14,
    asks_cigarettes_since_stop,
    asks_stop_date,
    since_day_14,
)
from apps.clinical.smoking_heaviness import (
    MAX_CIGARETTES_PER_DAY,
    MAX_MINUTES_TO_FIRST,
    asks_heaviness,
)
from apps.clinical.smoking_report_rules import SmokingReportAnswers, smoking_report_errors
from apps.clinical.usual_care import FIELDS as USUAL_CARE_FIELDS
from apps.clinical.usual_care import MAX_THERAPY_SESSIONS, asks_usual_care, usual_care_errors
from apps.core.forms import DomainErrorFormMixin
from apps.patients.forms import yes_no_field
from apps.patients.measure_fields import (
    DateInput,
    add_questionnaire_fields,
    clean_questionnaire,
    co_field,
)

USUAL_CARE_LABELS = (
    "Talking Therapies sessions planned",
    "Talking Therapies sessions attended",
    "Talking Therapies sessions not attended (DNA)",
)


def _question(label: str, error: str) -> forms.TypedChoiceField:
    field = yes_no_field(label)
    field.error_messages["required"] = error
    return field


def _count_field(label: str, high: int) -> forms.IntegerField:
    message = f"{label} must be a whole number from 1 to {high}."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _optional_count(label: str, high: int) -> forms.IntegerField:
    message = f"{label} must be a whole number from 0 to {high}."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=high,
        help_text="Leave blank if the participant has not smoked in the last 7 days.",
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class FollowUpAssessmentForm(DomainErrorFormMixin, forms.Form):
    """A follow-up contact: smoking status, an optional CO reading, optional PHQ-9 and GAD-7."""

    field_aliases = {"phq9_items": "phq9_1", "gad7_items": "gad7_1", "taken_at": "co_ppm"}

    completed_on = forms.DateField(label="Date of the follow-up", widget=DateInput())
    source = forms.ChoiceField(
        label="How the participant was followed up",
        choices=[("phone", "By phone"), ("in_session", "In person")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose by phone or in person."},
    )
    smoked_last_7_days = _question(
        "Has the participant smoked at all in the last 7 days?",
        "Answer whether the participant smoked in the last 7 days.",
    )
    cigarettes_last_7_days = _count_field("Cigarettes in the last 7 days", 1000)
    quit_attempt_since_last_contact = _question(
        "Since the last contact, has the participant tried to stop for at least 24 hours?",
        "Answer whether the participant has tried to stop since the last contact.",
    )
    uses_e_cigarette = _question(
        "Is the participant using an e-cigarette (vape)?",
        "Answer whether the participant is using an e-cigarette.",
    )
    uses_stop_smoking_medication = _question(
        "Is the participant using stop smoking medication or nicotine replacement?",
        "Answer whether the participant is using stop smoking medication.",
    )

    def __init__(self, *args, follow_up, quit_date=None, screened_on=None, **kwargs):
        """`quit_date` is the reference quit date known before this contact (the session quit
        date, or a stop date reported at an earlier follow-up)."""
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.follow_up = follow_up
        self.known_reference = quit_date
        self.screened_on = screened_on
        self.fields["completed_on"].initial = min(today, follow_up.closes_on)
        self.fields[
            "completed_on"
        ].help_text = (
            f"Inside the window: {follow_up.opens_on:%-d %b %Y} to {follow_up.closes_on:%-d %b %Y}."
        )
        self.asks_day_14 = quit_date is not None
        if self.asks_day_14:
            start = since_day_14(quit_date)
            self.fields["smoked_since_day_14"] = _question(
                f"Has the participant smoked at all, even a puff, since {start:%-d %b %Y} "
                "(14 days after the quit date)?",
                "Answer whether the participant has smoked at all since 14 days after the "
                "quit date.",
            )
            self.fields["cigarettes_since_day_14"] = _count_field(
                "Cigarettes in total since then", 20000
            )
            self.field_aliases = self.field_aliases | {
                "smoke_free_since_day_14": "smoked_since_day_14"
            }
        self._add_stop_date_fields(follow_up.timepoint, quit_date)
        self._add_heaviness_fields(follow_up.timepoint)
        if asks_usual_care(follow_up.timepoint):
            for name, label in zip(USUAL_CARE_FIELDS, USUAL_CARE_LABELS, strict=True):
                self.fields[name] = _optional_count(label, MAX_THERAPY_SESSIONS)
                self.fields[name].help_text = "Since randomisation, from the service's records."
        self.order_fields(
            [
                "completed_on",
                "source",
                "smoked_since_day_14",
                "cigarettes_since_day_14",
                "smoked_last_7_days",
                "cigarettes_last_7_days",
                "cigarettes_per_day",
                "minutes_to_first_cigarette",
                "stopped_on",
                "cigarettes_since_stop",
            ]
        )
        self.fields["co_ppm"] = co_field(required=False)
        self.fields["co_ppm"].help_text = "In person only. Below 10 ppm verifies abstinence."
        add_questionnaire_fields(self, "phq9", required=False)
        add_questionnaire_fields(self, "gad7", required=False)

    def _add_stop_date_fields(self, timepoint: str, known_reference) -> None:
        """(2nd ed.) At 3 and 6 months: the stop date of anyone not smoking, and at 6 months
        without a reference date yet, the cigarettes since two weeks after it (for RS6)."""
        if not asks_stop_date(timepoint):
            return
        self.fields["stopped_on"] = forms.DateField(
            label="If the participant has stopped smoking, on what date did they stop?",
            required=False,
            widget=DateInput(),
            help_text="Ask everyone who has not smoked in the last 7 days. A best estimate of "
            "the day is fine.",
        )
        if asks_cigarettes_since_stop(timepoint, known_reference):
            self.fields["cigarettes_since_stop"] = forms.IntegerField(
                label="Cigarettes in total since two weeks after that date (0 if none)",
                required=False,
                min_value=0,
                max_value=MAX_CIGARETTES_SINCE_DAY_14,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.field_aliases = self.field_aliases | {
                "cigarettes_since_day_14": "cigarettes_since_stop"
            }

    def _add_heaviness_fields(self, timepoint: str) -> None:
        """At 3 and 6 months, of anyone still smoking: how much, for the HSI at follow-up."""
        if not asks_heaviness(timepoint):
            return
        self.fields["cigarettes_per_day"] = _optional_count(
            "If still smoking: cigarettes a day now", MAX_CIGARETTES_PER_DAY
        )
        self.fields["minutes_to_first_cigarette"] = _optional_count(
            "If still smoking: minutes from waking to the first cigarette", MAX_MINUTES_TO_FIRST
        )

    def clean(self):
        cleaned = super().clean()
        if self.asks_day_14 and cleaned.get("smoked_since_day_14") is not None:
            cleaned["smoke_free_since_day_14"] = not cleaned["smoked_since_day_14"]
        if (
            "cigarettes_since_stop" in self.fields
            and cleaned.get("cigarettes_since_stop") is not None
        ):
            cleaned["cigarettes_since_day_14"] = cleaned["cigarettes_since_stop"]
        cleaned["phq9_items"] = clean_questionnaire(self, "phq9")
        cleaned["gad7_items"] = clean_questionnaire(self, "gad7")
        self._check_smoking_rules(cleaned)
        for error in usual_care_errors(
            self.follow_up.timepoint, *(cleaned.get(name) for name in USUAL_CARE_FIELDS)
        ):
            if error.field not in self.errors:
                self.add_error(error.field, error.message)
        return cleaned

    def _check_smoking_rules(self, cleaned: dict) -> None:
        """The report's cross-field rules, shown with the field errors in the first round."""
        if cleaned.get("smoked_last_7_days") is None or not cleaned.get("completed_on"):
            return
        smoke_free = cleaned.get("smoke_free_since_day_14")
        answers = SmokingReportAnswers(
            timepoint=self.follow_up.timepoint,
            completed_on=cleaned["completed_on"],
            screened_on=self.screened_on or cleaned["completed_on"],
            known_reference=self.known_reference,
            smoked_last_7_days=cleaned["smoked_last_7_days"],
            cigarettes_last_7_days=cleaned.get("cigarettes_last_7_days"),
            smoke_free_since_day_14=smoke_free,
            cigarettes_since_day_14=0 if smoke_free else cleaned.get("cigarettes_since_day_14"),
            stopped_on=cleaned.get("stopped_on")
            if cleaned["smoked_last_7_days"] is False
            else None,
            cigarettes_per_day=cleaned.get("cigarettes_per_day"),
            minutes_to_first_cigarette=cleaned.get("minutes_to_first_cigarette"),
        )
        for error in smoking_report_errors(answers):
            field = self.field_aliases.get(error.field or "", error.field)
            field = field if field in self.fields else None
            if field is None or field not in self.errors:
                self.add_error(field, error.message)

    def service_kwargs(self) -> dict:
        """The cleaned answers as record_follow_up_assessment takes them."""
        data = self.cleaned_data
        return {
            "completed_on": data["completed_on"],
            "source": data["source"],
            "smoke_free_since_day_14": data.get("smoke_free_since_day_14"),
            "cigarettes_since_day_14": data.get("cigarettes_since_day_14"),
            "stopped_on": data.get("stopped_on"),
            "cigarettes_per_day": data.get("cigarettes_per_day"),
            **{name: data.get(name) for name in USUAL_CARE_FIELDS},
            "minutes_to_first_cigarette": data.get("minutes_to_first_cigarette"),
            "smoked_last_7_days": data["smoked_last_7_days"],
            "cigarettes_last_7_days": data.get("cigarettes_last_7_days"),
            "quit_attempt_since_last_contact": data["quit_attempt_since_last_contact"],
            "uses_e_cigarette": data["uses_e_cigarette"],
            "uses_stop_smoking_medication": data["uses_stop_smoking_medication"],
            "co_ppm": data.get("co_ppm"),
            "phq9_items": data.get("phq9_items"),
            "phq9_difficulty": data.get("phq9_difficulty"),
            "gad7_items": data.get("gad7_items"),
        }
