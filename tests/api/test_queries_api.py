"""Data queries over /api/v1/: the same steps and rules as the pages, every error at once."""

import pytest

from apps.conduct.models import DataQuery

pytestmark = pytest.mark.django_db


def test_raise_answer_close_and_refuse_an_answer_once_closed(
    client_for, participant_a, pwp_a, data_manager
):
    raiser, site = client_for(data_manager), client_for(pwp_a)
    url = f"/api/v1/participants/{participant_a.trial_id}/queries/"
    blank = raiser.post(url, {"text": " "}, format="json")
    assert blank.status_code == 400
    assert [e["field"] for e in blank.json()["errors"]] == ["text"]
    assert not DataQuery.objects.exists()
    raised = raiser.post(url, {"about": "Baseline CO", "text": "45 ppm?"}, format="json")
    assert raised.status_code == 201, raised.json()
    query_id = raised.json()["id"]
    answered = site.post(f"/api/v1/queries/{query_id}/answer/", {"text": "Was 4."}, format="json")
    assert answered.json()["status"] == "answered"
    raiser.post(f"/api/v1/queries/{query_id}/close/", {}, format="json")
    late = site.post(f"/api/v1/queries/{query_id}/answer/", {"text": ""}, format="json")
    assert late.status_code == 400
    assert {e["field"] for e in late.json()["errors"]} == {"action", "text"}
    body = site.get(f"/api/v1/queries/{query_id}/").json()
    assert [s["action"] for s in body["steps"]] == ["raise", "answer", "close"]
    listed = site.get("/api/v1/queries/?status=closed").json()["results"]
    assert [q["id"] for q in listed] == [query_id]
