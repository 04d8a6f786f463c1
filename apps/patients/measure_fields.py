"""PHQ-9, GAD-7 and CO fields shared by the baseline and session forms.

Every item is its own radio group so a blank item is refused next to that item; the scoring
itself stays in apps.clinical.scoring.
"""

from django import forms

from apps.clinical import scoring
from apps.core.forms import DateInput  # noqa: F401 (imported from here)

ANSWERS = [(str(value), f"{value} {label}") for value, label in scoring.ANSWER_CHOICES]
DIFFICULTY = "phq9_difficulty"
# "Not asked" is an answer too, so a click on the wrong radio can be undone.
DIFFICULTY_ANSWERS = [
    ("", "Not asked"),
    *((str(value), f"{value} {label}") for value, label in scoring.PHQ9_DIFFICULTY_CHOICES),
]
DIFFICULTY_MESSAGE = (
    f"PHQ-9 difficulty: choose one of the 4 answers, {scoring.PHQ9_DIFFICULTY_RANGE}, "
    "or leave it blank."
)
QUESTIONNAIRES = {
    "phq9": ("PHQ-9", scoring.PHQ9_ITEMS, scoring.PHQ9_STEM),
    "gad7": ("GAD-7", scoring.GAD7_ITEMS, scoring.GAD7_STEM),
}


def item_field_names(prefix: str) -> list[str]:
    """Form field names of a questionnaire's items, in order (phq9_1 ... phq9_9)."""
    return [f"{prefix}_{i}" for i in range(1, len(QUESTIONNAIRES[prefix][1]) + 1)]


def add_questionnaire_fields(form: forms.Form, prefix: str, *, required: bool) -> None:
    """Add one 0-3 radio group per item to the form."""
    label, items, _ = QUESTIONNAIRES[prefix]
    for number, (name, text) in enumerate(zip(item_field_names(prefix), items, strict=True), 1):
        form.fields[name] = forms.TypedChoiceField(
            label=f"{number}. {text}",
            choices=ANSWERS,
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect(
                attrs={"class": "form-check-input", "data-questionnaire": prefix}
            ),
            error_messages={"required": f"Answer {label} item {number}."},
        )
    if prefix == "phq9":
        form.fields[DIFFICULTY] = difficulty_field()


def difficulty_field() -> forms.TypedChoiceField:
    """The optional, unscored PHQ-9 difficulty question (0-3); blank stores nothing."""
    return forms.TypedChoiceField(
        label=scoring.PHQ9_DIFFICULTY_QUESTION,
        choices=DIFFICULTY_ANSWERS,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text="Optional; not part of the PHQ-9 score.",
        error_messages={"invalid_choice": DIFFICULTY_MESSAGE},
    )


def clean_questionnaire(form: forms.Form, prefix: str) -> list[int] | None:
    """The answers in order, None when every item is blank; a partial one errors per item."""
    label = QUESTIONNAIRES[prefix][0]
    names = item_field_names(prefix)
    values = [form.cleaned_data.get(name) for name in names]
    if all(value is None for value in values) and not any(name in form.errors for name in names):
        if form.cleaned_data.get(DIFFICULTY) is not None and prefix == "phq9":
            form.add_error(DIFFICULTY, scoring.PHQ9_DIFFICULTY_WITHOUT_ITEMS)
        return None
    missing = [
        (number, name)
        for number, (name, value) in enumerate(zip(names, values, strict=True), 1)
        if value is None and name not in form.errors
    ]
    for number, name in missing:
        form.add_error(
            name, f"Answer {label} item {number}: every item is needed for a valid score."
        )
    if missing or any(name in form.errors for name in names):
        return None
    return [int(value) for value in values]


def questionnaire_groups(form: forms.Form) -> list[dict]:
    """What the questionnaire template needs: each questionnaire's title, stem and fields."""
    groups = []
    for prefix, (label, _, stem) in QUESTIONNAIRES.items():
        names = item_field_names(prefix)
        if names[0] not in form.fields:
            continue
        groups.append(
            {
                "prefix": prefix,
                "label": label,
                "stem": stem,
                "fields": [form[name] for name in names],
                "risk_field": form[names[-1]].name if prefix == "phq9" else "",
                "difficulty": form[DIFFICULTY] if prefix == "phq9" else None,
            }
        )
    return groups


def co_field(*, required: bool = False) -> forms.IntegerField:
    """Exhaled CO in whole ppm, 0-100, with the rule named in every message."""
    message = "CO reading must be a whole number from 0 to 100 ppm."
    return forms.IntegerField(
        label="CO reading (ppm)",
        required=required,
        min_value=scoring.CO_MIN_PPM,
        max_value=scoring.CO_MAX_PPM,
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "required": "Enter the CO reading.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Below 10 ppm verifies abstinence.",
    )
