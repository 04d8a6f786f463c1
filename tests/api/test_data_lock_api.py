"""The database lock over the API: a write under a lock answers 423 and stores nothing."""

import pytest
from django.utils import timezone

from apps.monitoring.locks import lock_data
from apps.outcomes.models import PHQ9Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_a(site_a, trial_manager):
    return lock_data(
        site=site_a, reason="Final analysis of the 6-month outcomes.", by=trial_manager
    )


def test_an_api_write_answers_423_naming_the_rule(client_for, participant_a, pwp_a, locked_a):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        {"items": [1] * 9, "completed_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 423
    (error,) = response.json()["errors"]
    assert error["code"] == "locked"
    assert "locked for analysis" in error["message"]
    assert not PHQ9Response.objects.exists()


def test_the_api_locks_and_unlocks_with_reasons_and_the_roles_of_the_page(
    client_for, site_a, trial_manager, data_manager, pwp_a
):
    manager = client_for(trial_manager)
    refused = manager.post("/api/v1/data-locks/", {"site": "BRS", "reason": ""}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    assert (
        manager.post("/api/v1/data-locks/", {"site": "ZZZ", "reason": "x" * 20}).status_code == 404
    )
    done = manager.post(
        "/api/v1/data-locks/", {"site": "BRS", "reason": "Final analysis, SAP v2."}, format="json"
    )
    assert done.status_code == 201
    lock = done.json()
    assert (lock["site"], lock["active"], lock["locked_by"]) == ("BRS", True, trial_manager.email)
    unlock = f"/api/v1/data-locks/{lock['id']}/unlock/"
    assert manager.post(unlock, {"reason": "Reopened for a query."}).status_code == 403
    assert client_for(pwp_a).get("/api/v1/data-locks/").status_code == 403
    lifted = client_for(data_manager).post(unlock, {"reason": "Reopened for a query."})
    assert lifted.status_code == 200
    assert lifted.json()["active"] is False
    listed = client_for(data_manager).get("/api/v1/data-locks/").json()["results"]
    assert [row["unlock_reason"] for row in listed] == ["Reopened for a query."]
