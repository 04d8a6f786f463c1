"""Idempotency-Key retries store one record; server-set fields cannot be sent in a body."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.cessation.models import CessationSession
from apps.core.models import IdempotencyRecord
from apps.outcomes.models import PHQ9Response, SafetyAlert
from apps.patients.models import Allocation, Baseline, Participant, ScreeningRecord
from tests.factories import make_participant

TODAY = str(timezone.localdate())
RISKY = {"items": [1, 1, 1, 1, 1, 1, 1, 1, 2], "completed_on": TODAY}


def phq9_url(participant) -> str:
    return f"/api/v1/participants/{participant.trial_id}/phq9/"


def test_retry_with_the_same_key_returns_the_first_result_and_stores_one_record(
    client_for, pwp_a, participant_a
):
    client = client_for(pwp_a)
    first = client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="tablet-42-a")
    retry = client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="tablet-42-a")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert PHQ9Response.objects.count() == 1
    assert SafetyAlert.objects.count() == 1


def test_a_different_key_records_again(client_for, pwp_a, participant_a):
    client = client_for(pwp_a)
    client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="one")
    client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="two")
    assert PHQ9Response.objects.count() == 2


def test_same_key_with_a_different_body_is_a_409_and_stores_nothing(
    client_for, pwp_a, participant_a
):
    client = client_for(pwp_a)
    client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="k1")
    other = {**RISKY, "items": [0] * 9}
    response = client.post(phq9_url(participant_a), other, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert PHQ9Response.objects.count() == 1


def test_keys_belong_to_one_user(client_for, pwp_a, site_lead_a, participant_a):
    client_for(pwp_a).post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="shared")
    response = client_for(site_lead_a).post(
        phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 201
    assert PHQ9Response.objects.count() == 2


def test_a_refused_request_keeps_the_key_free_for_the_corrected_retry(
    client_for, pwp_a, participant_a
):
    client = client_for(pwp_a)
    bad = client.post(
        phq9_url(participant_a), {**RISKY, "items": [1] * 8}, HTTP_IDEMPOTENCY_KEY="fix-me"
    )
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    good = client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="fix-me")
    assert good.status_code == 201
    assert PHQ9Response.objects.count() == 1


def test_randomise_retry_replays_the_allocation_instead_of_failing(client_for, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    client = client_for(pwp_a)
    url = f"/api/v1/participants/{participant.trial_id}/randomise/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="rand-1")
    retry = client.post(url, HTTP_IDEMPOTENCY_KEY="rand-1")
    assert first.status_code == retry.status_code == 200
    assert retry.json()["arm"] == first.json()["arm"]
    assert Allocation.objects.count() == 1
    without_key = client.post(url)
    assert without_key.status_code == 400
    assert without_key.json()["errors"][0]["field"] == "status"


def test_an_overlong_key_is_refused(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="k" * 256
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert PHQ9Response.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_store_one_record(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    token = issue_token(user=pwp_a).key
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def send() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        try:
            response = client.post(
                f"/api/v1/participants/{participant.trial_id}/sessions/",
                {"session_date": TODAY, "attendance": "dna"},
                HTTP_IDEMPOTENCY_KEY="double-tap",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201, 201, 201]
    assert CessationSession.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


# ---------------------------------------------------------------- mass assignment


def test_phq9_body_cannot_set_participant_site_author_or_scores(
    client_for, pwp_a, participant_a, participant_b, pwp_b
):
    response = client_for(pwp_a).post(
        phq9_url(participant_a),
        {
            **RISKY,
            "participant": participant_b.trial_id,
            "site": "LDS",
            "recorded_by": pwp_b.email,
            "total": 0,
            "severity": "minimal",
            "risk": False,
            "safety_alert": None,
        },
    )
    assert response.status_code == 201
    stored = PHQ9Response.objects.get()
    assert stored.participant == participant_a
    assert stored.recorded_by == pwp_a
    assert (stored.total, stored.severity, stored.risk) == (10, "moderate", True)
    assert SafetyAlert.objects.filter(phq9=stored).exists()


def test_session_body_cannot_set_practitioner_or_participant(
    client_for, pwp_a, pwp_b, participant_a, participant_b
):
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/sessions/",
        {
            "session_date": TODAY,
            "attendance": "dna",
            "practitioner": pwp_b.email,
            "participant": participant_b.trial_id,
            "submission_key": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert response.status_code == 201
    session = CessationSession.objects.get()
    assert (session.participant, session.practitioner) == (participant_a, pwp_a)
    assert session.submission_key is None
    patched = client_for(pwp_a).patch(
        f"/api/v1/sessions/{session.public_id}/",
        {
            "practitioner": pwp_b.email,
            "participant": participant_b.trial_id,
            "notes": "x",
            "reason": "entry_error",
        },
    )
    assert patched.status_code == 200
    session.refresh_from_db()
    assert (session.participant, session.practitioner) == (participant_a, pwp_a)


def test_consent_body_cannot_set_status_site_or_allocation(client_for, pwp_a, site_a, site_b):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant.trial_id}/consent/",
        {
            "consented_on": TODAY,
            "consent_form_version": "v1.0",
            "status": "randomised",
            "site": "LDS",
            "arm": "intervention",
            "allocation": "intervention",
            "trial_id": "LDS-9999",
            "consent_taken_by": "someone@else.test",
        },
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert (participant.status, participant.site, participant.trial_id) == (
        "consented",
        site_a,
        "BRS-0001",
    )
    assert participant.consent_taken_by == pwp_a
    assert not Allocation.objects.exists()
    assert response.json()["arm"] is None


def test_baseline_body_cannot_set_the_derived_hsi(client_for, pwp_a, site_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    client_for(pwp_a).post(
        f"/api/v1/participants/{participant.trial_id}/baseline/",
        {
            "recorded_on": TODAY,
            "cigarettes_per_day": 25,
            "minutes_to_first_cigarette": 5,
            "sex": "female",
            "year_of_birth": 1990,
            "email": "p@example.test",
            "hsi_score": 0,
            "hsi_band": "low",
        },
    )
    assert (Baseline.objects.get().hsi_score, Baseline.objects.get().hsi_band) == (5, "high")


def test_randomise_body_cannot_choose_the_arm(client_for, pwp_a, site_a):
    for _ in range(4):
        participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
        client_for(pwp_a).post(
            f"/api/v1/participants/{participant.trial_id}/randomise/",
            {"arm": "intervention", "block": 1, "position": 0},
        )
    for allocation in Allocation.objects.select_related("block"):
        assert allocation.arm == allocation.block.arms[allocation.position]


def test_screening_body_cannot_set_outcome_author_or_participant(client_for, pwp_a, pwp_b):
    response = client_for(pwp_a).post(
        "/api/v1/screenings/",
        {
            "screened_on": TODAY,
            "aged_18_or_over": True,
            "smokes_daily": False,
            "has_depression_or_anxiety": True,
            "starting_talking_therapies": True,
            "wants_help_to_quit": True,
            "outcome": "eligible",
            "screened_by": pwp_b.email,
            "participant": "BRS-0042",
        },
    )
    assert response.status_code == 201
    screening = ScreeningRecord.objects.get()
    assert (screening.outcome, screening.screened_by) == ("not_eligible", pwp_a)
    assert not Participant.objects.exists()


def test_keys_are_forgotten_after_a_day(client_for, pwp_a, participant_a):
    client = client_for(pwp_a)
    client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = client.post(phq9_url(participant_a), RISKY, HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert PHQ9Response.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1
