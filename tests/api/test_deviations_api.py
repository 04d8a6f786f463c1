"""The protocol deviation log over /api/v1/: the pages' scoping and rules, every error at once."""

import pytest

from apps.conduct.models import ProtocolDeviation

pytestmark = pytest.mark.django_db


def _url(participant) -> str:
    return f"/api/v1/participants/{participant.trial_id}/deviations/"


def _body(participant, **changes) -> dict:
    return {
        "occurred_on": participant.screened_on.isoformat(),
        "category": "follow_up_window",
        "description": "Month 3 questionnaire completed 10 days after the window closed.",
        "seriousness": "minor",
    } | changes


def test_a_pwp_records_a_deviation_and_lists_it(client_for, participant_a, pwp_a):
    api = client_for(pwp_a)
    created = api.post(_url(participant_a), _body(participant_a), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["participant"], body["reported_by"], body["category"]) == (
        participant_a.trial_id,
        pwp_a.email,
        "follow_up_window",
    )
    assert [d["id"] for d in api.get(_url(participant_a)).json()["results"]] == [body["id"]]
    assert [d["id"] for d in api.get("/api/v1/deviations/").json()["results"]] == [body["id"]]


def test_every_broken_rule_comes_back_in_one_400_and_nothing_is_stored(
    client_for, participant_a, pwp_a
):
    api = client_for(pwp_a)
    refused = api.post(
        _url(participant_a),
        {"occurred_on": None, "category": "whim", "seriousness": "major"},
        format="json",
    )
    assert refused.status_code == 400
    fields = {error["field"] for error in refused.json()["errors"]}
    assert fields == {"occurred_on", "category", "description", "corrective_action"}
    assert not ProtocolDeviation.objects.exists()


def test_another_sites_participant_is_404_and_readers_cannot_record(
    client_for, participant_a, pwp_b, advisor_a
):
    assert client_for(pwp_b).post(_url(participant_a), _body(participant_a)).status_code == 404
    assert client_for(pwp_b).get(_url(participant_a)).status_code == 404
    assert client_for(advisor_a).post(_url(participant_a), _body(participant_a)).status_code == 403
    assert client_for(advisor_a).get(_url(participant_a)).status_code == 200
    assert not ProtocolDeviation.objects.exists()


def test_a_retry_with_the_same_idempotency_key_stores_one(client_for, participant_a, pwp_a):
    api = client_for(pwp_a)
    first, second = (
        api.post(
            _url(participant_a),
            _body(participant_a),
            format="json",
            HTTP_IDEMPOTENCY_KEY="3f1c3a84-2f44-4b8e-9b1f-0d2b1f6f0a11",
        )
        for _ in range(2)
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert ProtocolDeviation.objects.count() == 1


def test_a_control_session_needs_a_contamination_reason_over_the_api(client_for, site_a, pwp_a):
    from apps.cessation.models import CessationSession
    from tests.factories import make_participant

    control = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    api = client_for(pwp_a)
    url = f"/api/v1/participants/{control.trial_id}/sessions/"
    session = {"session_date": control.randomised_on.isoformat(), "attendance": "dna"}
    refused = api.post(url, session, format="json")
    assert refused.status_code == 400
    fields = {error["field"] for error in refused.json()["errors"]}
    assert fields == {"contamination_reason", "contamination_action"}
    assert not CessationSession.objects.exists()
    created = api.post(
        url,
        session
        | {
            "contamination_reason": "Booked by the clinic's front desk in error.",
            "contamination_action": "Bookings now checked against the allocation.",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    deviation = ProtocolDeviation.objects.get()
    assert created.json()["contamination_deviation"] == str(deviation.public_id)
    assert (deviation.category, deviation.seriousness) == ("contamination", "major")
