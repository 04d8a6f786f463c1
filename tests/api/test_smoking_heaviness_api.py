"""Cigarettes per day and time to the first cigarette through the API: stored, returned, and
refused with the field named where they are not asked."""

import pytest

from apps.outcomes.models import SmokingStatusReport
from tests.api.test_stop_date_api import _api_report, _post_api
from tests.outcomes.test_stop_date import _open_at

pytestmark = pytest.mark.django_db


def test_a_smoker_s_heaviness_is_stored_and_returned(site_a, pwp_a, client_for):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    body = _api_report(smoked_last_7_days=True, cigarettes_last_7_days=70,
                       cigarettes_per_day=10, minutes_to_first_cigarette=5)  # fmt: skip
    response = _post_api(client_for, pwp_a, participant, follow_up, body)
    assert response.status_code == 201, response.json()
    assert (
        response.json()["cigarettes_per_day"],
        response.json()["minutes_to_first_cigarette"],
    ) == (
        10,
        5,
    )
    assert SmokingStatusReport.objects.get(participant=participant).cigarettes_per_day == 10


def test_a_non_smoker_s_heaviness_is_a_400_naming_both_fields(site_a, pwp_a, client_for):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    body = _api_report(stopped_on=str(follow_up.opens_on), cigarettes_per_day=10,
                       minutes_to_first_cigarette=5)  # fmt: skip
    response = _post_api(client_for, pwp_a, participant, follow_up, body)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"cigarettes_per_day", "minutes_to_first_cigarette"}
    assert not SmokingStatusReport.objects.filter(participant=participant).exists()


def test_talking_therapies_sessions_are_recorded_and_listed(site_a, pwp_a, client_for):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    url = f"/api/v1/participants/{participant.trial_id}/therapy-sessions/"
    body = {"completed_on": str(follow_up.opens_on), "follow_up": str(follow_up.public_id),
            "sessions_planned": 10, "sessions_attended": 7, "sessions_dna": 2}  # fmt: skip
    created = client_for(pwp_a).post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["timepoint"], created.json()["sessions_attended"]) == ("month6", 7)
    listed = client_for(pwp_a).get(url).json()["results"]
    assert [r["sessions_planned"] for r in listed] == [10]


def test_talking_therapies_sessions_that_do_not_add_up_are_a_400(site_a, pwp_a, client_for):
    participant, _ = _open_at(site_a, pwp_a, "month3")
    url = f"/api/v1/participants/{participant.trial_id}/therapy-sessions/"
    body = {"completed_on": str(participant.screened_on), "timepoint": "week4",
            "sessions_planned": 2, "sessions_attended": 2, "sessions_dna": 1}  # fmt: skip
    response = client_for(pwp_a).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "sessions_planned"
    assert "3- and 6-month" in response.json()["errors"][0]["message"]
