"""Every list endpoint costs the same number of queries at any data size (pinned at two)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.cessation.services import SessionInput, record_session
from apps.outcomes import services as outcome_services
from tests.factories import make_participant

TODAY = timezone.localdate  # called each time: a run may pass midnight

# Queries: 1 token + user; then the rows (and one more per prefetch or participant lookup).
LISTS = {
    "/api/v1/sites/": 2,
    "/api/v1/screenings/": 2,
    "/api/v1/participants/": 2,
    "/api/v1/participants/?site=BRS&status=randomised": 3,
    "/api/v1/sessions/": 3,
    "/api/v1/follow-ups/": 2,
    "/api/v1/safety-alerts/": 2,
    "{first}sessions/": 4,
    "{first}phq9/": 3,
    "{first}gad7/": 3,
    "{first}smoking-status/": 3,
    "{first}co-readings/": 3,
    "{first}follow-ups/": 3,
}


def populate(site, pwp, size: int):
    """`size` randomised participants, each with two sessions and one of every measure."""
    participants = []
    for _ in range(size):
        participant = make_participant(
            site=site, pwp=pwp, stage="randomised", screened_on=TODAY() - dt.timedelta(days=20)
        )
        for number in (1, 2):
            record_session(
                participant=participant,
                practitioner=pwp,
                data=SessionInput(
                    session_date=TODAY() - dt.timedelta(days=number),
                    attendance="attended",
                    number=number,
                    session_type="pre_quit",
                    mode="telephone",
                    duration_minutes=10,
                    bcts_delivered=["assess_smoking"],
                    pharmacotherapy=[("nrt_patch", "provided"), ("nrt_gum", "recommended")],
                    co_ppm=5,
                    phq9_items=[1] * 9,
                    gad7_items=[1] * 7,
                ),
            )
        outcome_services.record_smoking_status(
            participant=participant,
            completed_on=TODAY(),
            timepoint="week4",
            smoked_last_7_days=False,
            quit_attempt_since_last_contact=True,
            uses_e_cigarette=False,
            uses_stop_smoking_medication=True,
            recorded_by=pwp,
        )
        participants.append(participant)
    return participants


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize("url", sorted(LISTS))
def test_list_query_count_does_not_grow_with_data(
    url, size, site_a, pwp_a, client_for, django_assert_num_queries
):
    participants = populate(site_a, pwp_a, size)
    client = client_for(pwp_a)
    # A token's first request also stamps its "last used" time (then at most once a minute,
    # pinned in test_auth): warm it up so the count is the steady state of every request.
    client.get("/api/v1/sites/")
    target = url.format(first=f"/api/v1/participants/{participants[0].trial_id}/")
    with django_assert_num_queries(LISTS[url]):
        response = client.get(target)
    assert response.status_code == 200
    assert response.json()["results"]


@pytest.mark.parametrize("size", [1, 4])
def test_metrics_and_exports_cost_the_same_at_any_size(
    size, site_a, pwp_a, trial_manager, client_for, django_assert_num_queries, settings, tmp_path
):
    from apps.dashboards import export_jobs, snapshots

    settings.EXPORT_ROOT = tmp_path
    populate(site_a, pwp_a, size)
    snapshots.build_snapshot()
    for _ in range(size):
        export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    client = client_for(trial_manager)
    client.get("/api/v1/sites/")  # the token's first use stamps "last used" (see above)
    # token, sites, snapshot head, snapshot document, progression thresholds
    with django_assert_num_queries(5):
        metrics = client.get("/api/v1/metrics/")
    assert metrics.json()["headline"]["randomised"] == size
    with django_assert_num_queries(2):
        exports = client.get("/api/v1/exports/")
    assert len(exports.json()["results"]) == size
