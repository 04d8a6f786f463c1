"""Source data verification over the API: every role reads, only the site's monitor marks."""

import pytest

from apps.monitoring.models import SourceVerification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_lists_the_areas_and_the_monitor_verifies_one(
    client_for, participant_a, monitor_a, pwp_a, site_b
):
    url = f"/api/v1/participants/{participant_a.trial_id}/source-verification/"
    listed = client_for(pwp_a).get(url)
    assert listed.status_code == 200
    consent = next(a for a in listed.json() if a["area"] == "consent")
    assert consent == {
        "area": "consent",
        "label": "Consent",
        "status": "unverified",
        "records": 1,
        "last_verified_at": None,
    }
    monitor = client_for(monitor_a)
    refused = monitor.post(url, {"area": "primary"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "area"
    done = monitor.post(url, {"area": "consent"}, format="json")
    assert done.status_code == 201
    assert next(a for a in done.json() if a["area"] == "consent")["status"] == "verified"
    assert client_for(pwp_a).post(url, {"area": "eligibility"}).status_code == 403
    other = UserFactory(email="monitor.b@nhs.test", role="monitor", site=site_b)
    assert client_for(other).get(url).status_code == 404
    assert SourceVerification.objects.count() == 1
