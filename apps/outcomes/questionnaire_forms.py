"""Forms for the patient's questionnaire pages: one per section, strict about what is posted."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError

from apps.clinical import questionnaire_content as content
from apps.clinical import scoring
from apps.clinical.smoking_heaviness import (
    MAX_CIGARETTES_PER_DAY,
    MAX_MINUTES_TO_FIRST,
    asks_heaviness,
)

TAMPERED = "tampered"
TAMPERED_MESSAGE = (
    "The form contained answers we did not expect, so nothing was saved. "
    "Go back to the questions and try again."
)
PREFER_NOT_TO_SAY = "skip"


def _difficulty_answer(value: str) -> int | None:
    return None if value == PREFER_NOT_TO_SAY else int(value)


@dataclass
class Option:
    """One radio button as the template draws it."""

    id: str
    value: str
    label: str
    checked: bool
    controls: str = ""


@dataclass
class Question:
    """One question (radios or a number) as the template draws it, with its error if any."""

    name: str
    label: str
    number: int | None
    error: str | None
    kind: str = "radios"
    hint: str = ""
    value: str = ""
    options: list[Option] = field(default_factory=list)
    conditional: "Question | None" = None
    # Questions revealed under the "No" answer (the stop date of someone not smoking).
    when_no: "list[Question]" = field(default_factory=list)
    # More revealed under "Yes" after the number (how much a smoker smokes, at 3 and 6 months).
    when_yes: "list[Question]" = field(default_factory=list)
    no_controls: str = ""


class StrictForm(forms.Form):
    """A form that refuses fields it does not know and repeated values (a tampered POST)."""

    ignored_fields = frozenset({"csrfmiddlewaretoken"})

    def clean(self):
        data = self.data
        unexpected = set(data.keys()) - set(self.fields) - self.ignored_fields
        repeated = [key for key in data if hasattr(data, "getlist") and len(data.getlist(key)) > 1]
        if unexpected or repeated:
            raise ValidationError(TAMPERED_MESSAGE, code=TAMPERED)
        return super().clean()

    @property
    def tampered(self) -> bool:
        """Whether the posted data was not what the page could have sent."""
        return any(error.code == TAMPERED for error in self.non_field_errors().as_data())

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in page order."""
        errors = [("main-content", message) for message in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                errors.append((name, message))
        return errors

    def _radios(
        self, name: str, number: int | None = None, controls: str = "", no_controls: str = ""
    ) -> Question:
        bound = self[name]
        current = "" if bound.value() is None else str(bound.value())
        reveals = {content.YES: controls, content.NO: no_controls}
        options = [
            Option(
                id=name if index == 0 else f"{name}-{index + 1}",
                value=str(value),
                label=str(label),
                checked=current == str(value),
                controls=reveals.get(str(value), ""),
            )
            for index, (value, label) in enumerate(bound.field.choices)
        ]
        errors = self.errors.get(name)
        return Question(
            name=name,
            label=str(bound.label),
            number=number,
            error=errors[0] if errors else None,
            hint=str(bound.help_text or ""),
            options=options,
        )

    def _number(self, name: str, kind: str = "number") -> Question:
        bound = self[name]
        errors = self.errors.get(name)
        value = bound.value()
        return Question(
            name=name,
            label=str(bound.label),
            number=None,
            error=errors[0] if errors else None,
            kind=kind,
            hint=str(bound.help_text or ""),
            value="" if value is None else str(value),
        )


class ItemsForm(StrictForm):
    """PHQ-9 or GAD-7: every item answered 0-3."""

    def __init__(self, *args, section: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        texts = scoring.PHQ9_ITEMS if section == content.PHQ9 else scoring.GAD7_ITEMS
        choices = [(str(value), label) for value, label in scoring.ANSWER_CHOICES]
        for number, (name, text) in enumerate(
            zip(content.item_fields(section), texts, strict=True), start=1
        ):
            self.fields[name] = forms.TypedChoiceField(
                label=text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select an answer for question {number}",
                    "invalid_choice": f"Select one of the 4 answers for question {number}",
                },
            )
        if section == content.PHQ9:
            self.fields[content.PHQ9_DIFFICULTY] = forms.TypedChoiceField(
                label=scoring.PHQ9_DIFFICULTY_QUESTION,
                help_text="You do not have to answer this question.",
                # "Prefer not to say" lets a tapped answer be taken back; it has a value of its
                # own so that no answer is ever ticked for the patient in advance.
                choices=[
                    *((str(value), label) for value, label in scoring.PHQ9_DIFFICULTY_CHOICES),
                    (PREFER_NOT_TO_SAY, "Prefer not to say"),
                ],
                coerce=_difficulty_answer,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "Select one of the 4 answers to the last question, or "
                    "leave it blank",
                },
            )

    @property
    def stem(self) -> str:
        """The question stem shown above the items."""
        return scoring.PHQ9_STEM if self.section == content.PHQ9 else scoring.GAD7_STEM

    def questions(self) -> list[Question]:
        """The items as the template draws them; the PHQ-9's optional question comes last."""
        questions = [
            self._radios(name, number)
            for number, name in enumerate(content.item_fields(self.section), start=1)
        ]
        if content.PHQ9_DIFFICULTY in self.fields:
            questions.append(self._radios(content.PHQ9_DIFFICULTY))
        return questions

    def draft(self) -> dict:
        """The cleaned answers as stored in the link's draft."""
        names = content.item_fields(self.section)
        if content.PHQ9_DIFFICULTY in self.fields:
            names.append(content.PHQ9_DIFFICULTY)
        return {name: self.cleaned_data[name] for name in names}

    @staticmethod
    def initial_from(draft_section: dict | None) -> dict:
        """Form initial values from a stored draft section."""
        return {
            key: str(value) for key, value in (draft_section or {}).items() if value is not None
        }


def _yes_no_field(label: str, required_message: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=content.YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": required_message,
            "invalid_choice": f"{required_message} (yes or no)",
        },
    )


def _count_field(label: str, high: int, empty_message: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text="A rough number is fine",
        required=False,
        min_value=1,
        max_value=high,
        error_messages={
            "invalid": "Number of cigarettes must be a whole number, like 5",
            "min_value": "Number of cigarettes must be 1 or more. If you have not smoked, "
            "answer No",
            "max_value": f"Number of cigarettes must be {high} or fewer",
            "required": empty_message,
        },
    )


class SmokingForm(StrictForm):
    """Smoking status: since day 14 (once it has passed), last 7 days, quit attempt, aids."""

    def __init__(self, *args, quit_date: date | None, today: date, timepoint: str = "", **kwargs):
        """`quit_date` is the reference quit date known so far (session quit date, or a stop
        date given at an earlier follow-up)."""
        super().__init__(*args, **kwargs)
        self.quit_date = quit_date
        self.today = today
        self.asks_stop = content.asks_stop_date(timepoint)
        self.asks_heaviness = asks_heaviness(timepoint)
        self.asks_since_stop = self.asks_stop and content.asks_cigarettes_since_stop(
            timepoint, quit_date
        )
        self.asks_day_14 = content.asks_since_day_14(quit_date, today)
        if self.asks_day_14:
            since = content.since_day_14(quit_date)
            self.since_label = f"{since.day} {since:%B %Y}"
            self.fields["smoked_since_day_14"] = _yes_no_field(
                f"Have you smoked at all since {self.since_label}, even a puff?",
                "Select yes if you have smoked since " + self.since_label,
                hint="This is 2 weeks after your quit date.",
            )
            self.fields["cigarettes_since_day_14"] = _count_field(
                f"About how many cigarettes have you smoked in total since {self.since_label}?",
                content.MAX_CIGARETTES_SINCE_DAY_14,
                f"Enter about how many cigarettes you have smoked since {self.since_label}",
            )
        self.fields["smoked_last_7_days"] = _yes_no_field(
            "Have you smoked at all in the last 7 days, even a puff?",
            "Select yes if you have smoked in the last 7 days",
        )
        self.fields["cigarettes_last_7_days"] = _count_field(
            "About how many cigarettes have you smoked in the last 7 days?",
            content.MAX_CIGARETTES_7_DAYS,
            "Enter about how many cigarettes you have smoked in the last 7 days",
        )
        if self.asks_heaviness:
            self._add_heaviness_fields()
        if self.asks_stop:
            self.fields["stopped_on"] = forms.DateField(
                label="On what date did you stop smoking?",
                help_text="If you are not sure of the exact day, give your best guess.",
                required=False,
                error_messages={
                    "invalid": "Enter the date you stopped smoking, like 20 3 2026",
                    "required": "Enter the date you stopped smoking",
                },
            )
        if self.asks_since_stop:
            self.fields["cigarettes_since_stop"] = forms.IntegerField(
                label="Not counting the first 2 weeks after you stopped, about how many "
                "cigarettes have you smoked since?",
                help_text="Enter 0 if you have not smoked at all, not even a puff.",
                required=False,
                min_value=0,
                max_value=content.MAX_CIGARETTES_SINCE_DAY_14,
                error_messages={
                    "invalid": "Number of cigarettes must be a whole number, like 0 or 5",
                    "min_value": "Number of cigarettes must be 0 or more",
                    "max_value": "Number of cigarettes must be "
                    f"{content.MAX_CIGARETTES_SINCE_DAY_14} or fewer",
                    "required": "Enter about how many cigarettes you have smoked since, or 0",
                },
            )
        self.fields["quit_attempt"] = _yes_no_field(
            "Since we last contacted you, have you tried to stop smoking for at least 24 hours?",
            "Select yes if you have tried to stop smoking for at least 24 hours",
        )
        self.fields["uses_e_cigarette"] = _yes_no_field(
            "Are you using an e-cigarette (vape) at the moment?",
            "Select yes if you are using an e-cigarette",
        )
        self.fields["uses_medication"] = _yes_no_field(
            "Are you using any stop smoking medicine at the moment?",
            "Select yes if you are using stop smoking medicine",
            hint="For example nicotine patches, gum, spray or lozenges, or varenicline tablets.",
        )

    def _add_heaviness_fields(self) -> None:
        for name, label, high, example in (
            ("cigarettes_per_day", "How many cigarettes a day do you smoke now?",
             MAX_CIGARETTES_PER_DAY, "10"),
            ("minutes_to_first_cigarette",
             "How many minutes after waking do you usually have your first cigarette?",
             MAX_MINUTES_TO_FIRST, "30"),
        ):  # fmt: skip
            self.fields[name] = forms.IntegerField(
                label=label,
                help_text="A rough number is fine. You can leave this blank.",
                required=False,
                min_value=0,
                max_value=high,
                error_messages={
                    "invalid": f"Enter a whole number, like {example}",
                    "min_value": "Enter 0 or more",
                    "max_value": f"Enter {high} or less",
                },
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("smoked_last_7_days") != content.YES:
            for name in content.HEAVINESS_FIELDS:  # hidden under Yes: ignored after a No
                self.errors.pop(name, None)
                cleaned[name] = None
        pairs = [("smoked_last_7_days", "cigarettes_last_7_days")]
        if self.asks_day_14:
            pairs.insert(0, ("smoked_since_day_14", "cigarettes_since_day_14"))
        for answer, count in pairs:
            if cleaned.get(answer) == content.YES:
                if cleaned.get(count) is None and count not in self.errors:
                    self.add_error(count, self.fields[count].error_messages["required"])
            else:
                # A number typed before switching the answer to No is ignored, as the page hid it.
                self.errors.pop(count, None)
                cleaned[count] = None
        if (
            self.asks_day_14
            and cleaned.get("smoked_since_day_14") == content.NO
            and cleaned.get("smoked_last_7_days") == content.YES
            and content.last_7_days_after_day_14(self.quit_date, self.today)
        ):
            self.add_error(
                "smoked_last_7_days",
                f"You said you have not smoked since {self.since_label}. Check if you have "
                "smoked in the last 7 days",
            )
        self._clean_stop_date(cleaned)
        return cleaned

    def _clean_stop_date(self, cleaned: dict) -> None:
        """The stop date (and count since) only of someone not smoking in the last 7 days."""
        stop_fields = [n for n in ("stopped_on", "cigarettes_since_stop") if n in self.fields]
        if cleaned.get("smoked_last_7_days") != content.NO:
            for name in stop_fields:
                self.errors.pop(name, None)
                cleaned[name] = None
            return
        stopped_on = cleaned.get("stopped_on")
        if self.asks_stop and stopped_on is None and "stopped_on" not in self.errors:
            self.add_error("stopped_on", self.fields["stopped_on"].error_messages["required"])
        elif stopped_on is not None and stopped_on > self.today:
            self.add_error("stopped_on", "The date you stopped smoking must be today or earlier")
        elif (
            self.asks_since_stop
            and stopped_on is not None
            and stopped_on + timedelta(days=content.SINCE_DAY) < self.today
            and cleaned.get("cigarettes_since_stop") is None
            and "cigarettes_since_stop" not in self.errors
        ):
            message = self.fields["cigarettes_since_stop"].error_messages["required"]
            self.add_error("cigarettes_since_stop", message)

    def questions(self) -> list[Question]:
        """The questions as the template draws them, numbers nested under their Yes answer."""
        questions = []
        if self.asks_day_14:
            question = self._radios("smoked_since_day_14", controls="conditional-day14")
            question.conditional = self._number("cigarettes_since_day_14")
            questions.append(question)
        no_controls = "conditional-stopped" if self.asks_stop else ""
        question = self._radios(
            "smoked_last_7_days", controls="conditional-7days", no_controls=no_controls
        )
        question.conditional = self._number("cigarettes_last_7_days")
        if self.asks_heaviness:
            question.when_yes = [self._number(name) for name in content.HEAVINESS_FIELDS]
        if self.asks_stop:
            question.when_no = [self._number("stopped_on", kind="date")]
            if self.asks_since_stop:
                question.when_no.append(self._number("cigarettes_since_stop"))
        questions.append(question)
        questions += [
            self._radios("quit_attempt"),
            self._radios("uses_e_cigarette"),
            self._radios("uses_medication"),
        ]
        return questions

    def draft(self) -> dict:
        """The cleaned answers as stored in the link's draft."""
        names = content.smoking_fields(
            self.asks_day_14, self.asks_stop, self.asks_since_stop, self.asks_heaviness
        )
        draft = {name: self.cleaned_data.get(name) for name in names}
        if draft.get("stopped_on") is not None:
            draft["stopped_on"] = draft["stopped_on"].isoformat()  # the draft is JSON
        return draft

    @staticmethod
    def initial_from(draft_section: dict | None) -> dict:
        """Form initial values from a stored draft section."""
        return {k: v for k, v in (draft_section or {}).items() if v is not None}
