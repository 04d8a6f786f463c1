"""Reading recorded PHQ-9s and GAD-7s as FHIR resources (apps/clinical/fhir.py builds them)."""

from collections.abc import Iterator

from django.db.models import QuerySet

from apps.clinical import fhir
from apps.outcomes.models import GAD7Response, PHQ9Response

CHUNK = 500


def _form(instrument: str, response) -> fhir.CompletedForm:
    return fhir.CompletedForm(
        instrument=instrument,
        response_id=str(response.public_id),
        trial_id=response.participant.trial_id,
        completed_on=response.completed_on,
        recorded_at=response.created_at,
        items=tuple(response.items),
        total=response.total,
        difficulty=getattr(response, "difficulty", None),  # PHQ-9 only
    )


def questionnaire_responses(participants: QuerySet) -> Iterator[dict]:
    """Every PHQ-9, then every GAD-7, of these participants as QuestionnaireResponses, in date
    order, read in chunks (2 queries for a few; more only for thousands)."""
    for instrument, model in (("phq9", PHQ9Response), ("gad7", GAD7Response)):
        rows = (
            model.objects.filter(participant__in=participants)
            .select_related("participant")
            .order_by("completed_on", "id")
        )
        for response in rows.iterator(chunk_size=CHUNK):
            yield fhir.questionnaire_response(_form(instrument, response))


def questionnaires() -> list[dict]:
    """The PHQ-9 and GAD-7 Questionnaire resources."""
    return [fhir.questionnaire(instrument) for instrument in fhir.INSTRUMENTS.values()]
