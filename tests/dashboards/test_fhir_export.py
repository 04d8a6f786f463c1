"""FHIR R4 export of PHQ-9 and GAD-7: LOINC codes, validation with fhir.resources, scoping."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.clinical import fhir
from apps.core.models import AccessLog
from apps.outcomes import services as outcomes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
    return client


@pytest.mark.parametrize(
    ("instrument", "panel", "total", "items"),
    [(fhir.PHQ9, "44249-1", "44261-6", 9), (fhir.GAD7, "69737-5", "70274-6", 7)],
)
def test_each_questionnaire_is_a_valid_r4_resource_with_its_loinc_codes(
    instrument, panel, total, items
):
    resource = fhir.questionnaire(instrument)
    parsed = Questionnaire.model_validate(resource)
    assert parsed.code[0].code == panel
    assert parsed.url == f"http://loinc.org/q/{panel}"
    answered = [i for i in parsed.item if i.type == "choice" and i.required]
    assert len(answered) == items
    assert [o.valueCoding.code for o in answered[0].answerOption] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert parsed.item[-1].linkId == total


def test_a_response_carries_each_answer_as_its_loinc_code_and_the_total():
    form = fhir.CompletedForm(
        instrument="phq9", response_id="4f7c", trial_id="BRS-0007", completed_on=TODAY(),
        recorded_at=timezone.now(), items=(0, 1, 2, 3, 0, 0, 0, 0, 1), total=7, difficulty=2,
    )  # fmt: skip
    parsed = QuestionnaireResponse.model_validate(fhir.questionnaire_response(form))
    by_link = {item.linkId: item for item in parsed.item}
    assert by_link["44260-8"].answer[0].valueCoding.code == "LA6569-3"  # item 9: several days
    assert by_link["44259-0"].answer[0].valueCoding.code == "LA6570-1"
    assert by_link["69722-7"].answer[0].valueCoding.code == "LA6575-0"  # very difficult
    assert by_link["44261-6"].answer[0].valueInteger == 7
    assert parsed.subject.identifier.value == "BRS-0007"
    assert parsed.questionnaire == "http://loinc.org/q/44249-1"


@pytest.fixture
def measures(participant_a, participant_b, pwp_a, pwp_b):
    outcomes.record_phq9(
        participant=participant_a, items=[1] * 9, completed_on=TODAY(), recorded_by=pwp_a
    )
    outcomes.record_gad7(
        participant=participant_a, items=[2] * 7, completed_on=TODAY(), recorded_by=pwp_a
    )
    outcomes.record_gad7(
        participant=participant_b, items=[0] * 7, completed_on=TODAY(), recorded_by=pwp_b
    )


def test_a_participants_responses_come_as_a_valid_bundle_in_fixed_queries(
    measures, participant_a, pwp_a, pwp_b
):
    url = f"/api/v1/participants/{participant_a.trial_id}/fhir/"
    api = _api(pwp_a)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate(json.loads(response.content))
    totals = sorted(
        (entry.resource.questionnaire, entry.resource.item[-1].answer[0].valueInteger)
        for entry in bundle.entry
    )
    assert totals == [("http://loinc.org/q/44249-1", 9), ("http://loinc.org/q/69737-5", 14)]
    outcomes.record_phq9(
        participant=participant_a, items=[0] * 9, completed_on=TODAY(), recorded_by=pwp_a
    )
    with CaptureQueriesContext(connection) as more:
        assert len(api.get(url).json()["entry"]) == 3
    # Sign-in and scope, then one query per instrument, however many responses (the first
    # request also notes the token's use).
    assert len(more) <= len(queries) == 5
    assert _api(pwp_b).get(url).status_code == 404


def test_the_bulk_file_is_one_valid_response_per_line_for_trial_managers_only(
    measures, trial_manager, pwp_a
):
    url = "/api/v1/fhir/QuestionnaireResponse.ndjson"
    assert _api(pwp_a).get(url).status_code == 403
    response = _api(trial_manager).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    parsed = [QuestionnaireResponse.model_validate(json.loads(line)) for line in lines]
    assert sorted(r.subject.identifier.value for r in parsed) == sorted(
        ["BRS-0001", "BRS-0001", "LDS-0001"]
    )
    assert AccessLog.objects.filter(user=trial_manager, object_type="fhir_bulk").count() == 1


def test_the_questionnaires_are_served_to_anyone_signed_in(pwp_a):
    response = _api(pwp_a).get("/api/v1/fhir/Questionnaire/")
    bundle = Bundle.model_validate(json.loads(response.content))
    assert [entry.resource.id for entry in bundle.entry] == ["phq-9", "gad-7"]
    assert APIClient().get("/api/v1/fhir/Questionnaire/").status_code == 401
