"""PHQ-9 and GAD-7 as FHIR R4 resources with their LOINC codes: pure functions over scored answers.

A Questionnaire per instrument and a QuestionnaireResponse per completed form. The participant
is named by their pseudonymous trial ID (Reference.identifier), never by a Patient resource:
the pilot holds no identity to share. Item text comes from the scorer's own wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from apps.clinical.scoring import (
    ANSWER_CHOICES,
    GAD7_ITEMS,
    PHQ9_DIFFICULTY_CHOICES,
    PHQ9_DIFFICULTY_QUESTION,
    PHQ9_ITEMS,
)

LOINC = "http://loinc.org"
TRIAL_ID_SYSTEM = "https://quitpilot.nhs.uk/fhir/trial-id"
FHIR_VERSION = "4.0.1"
# Answers 0-3 as LOINC answer codes (the same list for every PHQ-9 and GAD-7 item).
ANSWER_CODES = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
DIFFICULTY_CODE = "69722-7"
DIFFICULTY_ANSWER_CODES = ("LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3")


@dataclass(frozen=True)
class Instrument:
    """One questionnaire's LOINC panel, total and item codes, and its item text."""

    key: str
    title: str
    panel: str
    total: str
    item_codes: tuple[str, ...]
    item_texts: tuple[str, ...]

    @property
    def url(self) -> str:
        """The Questionnaire's canonical URL, as LOINC publishes its panels."""
        return f"{LOINC}/q/{self.panel}"


PHQ9 = Instrument(
    key="phq-9",
    title="Patient Health Questionnaire-9 (PHQ-9)",
    panel="44249-1",
    total="44261-6",
    item_codes=(
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),  # fmt: skip
    item_texts=PHQ9_ITEMS,
)
GAD7 = Instrument(
    key="gad-7",
    title="Generalized Anxiety Disorder-7 (GAD-7)",
    panel="69737-5",
    total="70274-6",
    item_codes=("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
    item_texts=GAD7_ITEMS,
)
INSTRUMENTS = {"phq9": PHQ9, "gad7": GAD7}


def _coding(code: str, display: str) -> dict:
    return {"system": LOINC, "code": code, "display": display}


def _answer_options(codes: Sequence[str], choices: Sequence[tuple[int, str]]) -> list[dict]:
    return [
        {"valueCoding": _coding(code, label)}
        for code, (_, label) in zip(codes, choices, strict=True)
    ]


def questionnaire(instrument: Instrument) -> dict:
    """The instrument as a FHIR R4 Questionnaire: each item coded, answered from LOINC's list."""
    items = [
        {
            "linkId": code,
            "code": [_coding(code, text)],
            "text": text,
            "type": "choice",
            "required": True,
            "answerOption": _answer_options(ANSWER_CODES, ANSWER_CHOICES),
        }
        for code, text in zip(instrument.item_codes, instrument.item_texts, strict=True)
    ]
    if instrument is PHQ9:
        items.append(
            {
                "linkId": DIFFICULTY_CODE,
                "code": [_coding(DIFFICULTY_CODE, PHQ9_DIFFICULTY_QUESTION)],
                "text": PHQ9_DIFFICULTY_QUESTION,
                "type": "choice",
                "required": False,
                "answerOption": _answer_options(DIFFICULTY_ANSWER_CODES, PHQ9_DIFFICULTY_CHOICES),
            }
        )
    items.append(
        {
            "linkId": instrument.total,
            "code": [_coding(instrument.total, f"{instrument.title} total score")],
            "text": "Total score",
            "type": "integer",
            "readOnly": True,
        }
    )
    return {
        "resourceType": "Questionnaire",
        "id": instrument.key,
        "url": instrument.url,
        "name": instrument.key.replace("-", "").upper(),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "code": [_coding(instrument.panel, instrument.title)],
        "item": items,
    }


@dataclass(frozen=True)
class CompletedForm:
    """One recorded PHQ-9 or GAD-7 as the export reads it."""

    instrument: str  # "phq9" or "gad7"
    response_id: str
    trial_id: str
    completed_on: date
    recorded_at: datetime
    items: tuple[int, ...]
    total: int
    difficulty: int | None = None


def questionnaire_response(form: CompletedForm) -> dict:
    """One completed PHQ-9 or GAD-7 as a FHIR R4 QuestionnaireResponse with LOINC codes."""
    instrument = INSTRUMENTS[form.instrument]
    items = [
        {
            "linkId": code,
            "text": text,
            "answer": [{"valueCoding": _coding(ANSWER_CODES[value], ANSWER_CHOICES[value][1])}],
        }
        for code, text, value in zip(
            instrument.item_codes, instrument.item_texts, form.items, strict=True
        )
    ]
    if form.difficulty is not None:
        label = PHQ9_DIFFICULTY_CHOICES[form.difficulty][1]
        items.append(
            {
                "linkId": DIFFICULTY_CODE,
                "text": PHQ9_DIFFICULTY_QUESTION,
                "answer": [
                    {"valueCoding": _coding(DIFFICULTY_ANSWER_CODES[form.difficulty], label)}
                ],
            }
        )
    items.append(
        {
            "linkId": instrument.total,
            "text": "Total score",
            "answer": [{"valueInteger": form.total}],
        }
    )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": form.response_id,
        "meta": {"lastUpdated": form.recorded_at.isoformat()},
        "questionnaire": instrument.url,
        "status": "completed",
        "subject": {
            "identifier": {"system": TRIAL_ID_SYSTEM, "value": form.trial_id},
            "display": form.trial_id,
        },
        "authored": form.completed_on.isoformat(),
        "item": items,
    }


def bundle(resources: Sequence[dict], *, bundle_id: str) -> dict:
    """Resources as a FHIR collection Bundle."""
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "collection",
        "entry": [{"resource": resource} for resource in resources],
    }
