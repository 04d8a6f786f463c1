"""Adverse events over /api/v1/: the pages' scoping, rules and audit."""

from datetime import timedelta

import pytest

from apps.safety.models import AdverseEvent

pytestmark = pytest.mark.django_db


def _body(participant, **changes) -> dict:
    onset = participant.consented_on + timedelta(days=1)
    return {
        "onset_on": onset.isoformat(),
        "description": "Insomnia since starting varenicline.",
        "severity": "moderate",
        "serious": False,
        "relatedness": "probably",
        "outcome": "recovering",
    } | changes


def test_a_pwp_records_and_updates_an_event_and_sees_its_history(client_for, participant_a, pwp_a):
    api = client_for(pwp_a)
    url = f"/api/v1/participants/{participant_a.trial_id}/adverse-events/"
    created = api.post(url, _body(participant_a), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["participant"] == participant_a.trial_id
    assert created.json()["recorded_by"] == pwp_a.email
    detail = f"/api/v1/adverse-events/{created.json()['id']}/"
    serious = _body(
        participant_a, serious=True, seriousness_criteria=["hospitalisation"], expected=False
    )
    updated = api.put(detail, serious, format="json")
    assert updated.status_code == 200 and updated.json()["serious_since"] is not None
    event = AdverseEvent.objects.get()
    assert AdverseEvent.pgh_event_model.objects.filter(pgh_obj=event).count() == 2
    assert [e["id"] for e in api.get(url).json()["results"]] == [created.json()["id"]]


def test_every_broken_rule_is_named_in_one_400_and_nothing_is_stored(
    client_for, participant_a, pwp_a
):
    body = _body(participant_a, seriousness_criteria=["death"], outcome="fatal")
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/adverse-events/", body, format="json"
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"seriousness_criteria", "date_of_death"} <= fields
    assert not AdverseEvent.objects.exists()


def test_another_sites_pwp_gets_404_and_an_advisor_cannot_write(
    client_for, participant_a, pwp_a, pwp_b, advisor_a
):
    url = f"/api/v1/participants/{participant_a.trial_id}/adverse-events/"
    created = client_for(pwp_a).post(url, _body(participant_a), format="json").json()
    other = client_for(pwp_b)
    assert other.get(url).status_code == 404
    assert other.post(url, _body(participant_a), format="json").status_code == 404
    assert other.get(f"/api/v1/adverse-events/{created['id']}/").status_code == 404
    assert other.get("/api/v1/adverse-events/").json()["results"] == []
    assert client_for(advisor_a).post(url, _body(participant_a), format="json").status_code == 403
