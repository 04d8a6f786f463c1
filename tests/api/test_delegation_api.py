"""The delegation and training log over /api/v1/: the page's scoping and rules."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.roles import Role
from apps.delegation.models import Delegation, TrainingRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate  # called each time: a run may pass midnight


@pytest.fixture
def newcomer(site_a):
    return UserFactory(email="new.pwp@nhs.test", role=Role.PWP, site=site_a, delegated=False)


def _delegate(api, **changes):
    body = {"user": "new.pwp@nhs.test", "site": "BRS", "duties": ["screen", "consent"],
            "starts_on": TODAY().isoformat()} | changes  # fmt: skip
    return api.post("/api/v1/delegations/", body, format="json")


def test_a_site_lead_delegates_lists_and_ends_through_the_api(client_for, site_lead_a, newcomer):
    api = client_for(site_lead_a)
    created = _delegate(api)
    assert created.status_code == 201, created.json()
    assert sorted((d["duty"], d["authorised_by"]) for d in created.json()) == [
        ("consent", site_lead_a.email),
        ("screen", site_lead_a.email),
    ]
    listed = api.get("/api/v1/delegations/").json()["results"]
    assert {d["site"] for d in listed} == {"BRS"}
    first = created.json()[0]["id"]
    ended = api.post(f"/api/v1/delegations/{first}/end/", {"ends_on": TODAY().isoformat()})
    assert (ended.status_code, ended.json()["ends_on"], ended.json()["ended_by"]) == (
        200,
        TODAY().isoformat(),
        site_lead_a.email,
    )


def test_every_broken_rule_of_a_delegation_comes_back_at_once(client_for, site_lead_a, newcomer):
    refused = _delegate(
        client_for(site_lead_a), duties=[], ends_on=(TODAY() - dt.timedelta(days=1)).isoformat()
    )
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"duties", "ends_on"}
    assert not Delegation.objects.filter(user=newcomer).exists()


def test_another_sites_staff_and_delegations_are_404_to_a_site_lead(
    client_for, site_lead_a, pwp_b, newcomer
):
    api = client_for(site_lead_a)
    assert _delegate(api, user=pwp_b.email).status_code == 404
    assert _delegate(api, site="LDS").status_code == 404
    theirs = Delegation.objects.filter(user=pwp_b).first()
    response = api.post(f"/api/v1/delegations/{theirs.pk}/end/", {"ends_on": TODAY().isoformat()})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.ends_on is None


def test_a_monitor_reads_but_neither_monitors_nor_pwps_write(
    client_for, monitor_a, pwp_a, newcomer
):
    assert client_for(monitor_a).get("/api/v1/delegations/").status_code == 200
    assert _delegate(client_for(monitor_a)).status_code == 403
    assert client_for(pwp_a).get("/api/v1/training-records/").status_code == 403
    assert not Delegation.objects.filter(user=newcomer).exists()


def test_training_is_recorded_and_listed_with_its_dates(client_for, trial_manager, newcomer):
    api = client_for(trial_manager)
    created = api.post(
        "/api/v1/training-records/",
        {"user": newcomer.email, "kind": "ncsct", "completed_on": "2025-06-01",
         "expires_on": "2027-06-01", "certificate_reference": "NCSCT-99"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    (listed,) = api.get("/api/v1/training-records/").json()["results"]
    assert (listed["user"], listed["kind"], listed["expires_on"], listed["recorded_by"]) == (
        newcomer.email,
        "ncsct",
        "2027-06-01",
        trial_manager.email,
    )
    refused = api.post(
        "/api/v1/training-records/",
        {"user": newcomer.email, "kind": "gcp", "completed_on": "2025-06-01",
         "expires_on": "2025-05-01"},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "expires_on"
    assert TrainingRecord.objects.count() == 1
