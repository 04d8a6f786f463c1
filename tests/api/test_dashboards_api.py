"""Metrics and exports over the API: the same snapshot and export services as the pages."""

import pytest

from apps.dashboards import export_jobs, snapshots
from apps.dashboards.models import ExportJob, MetricSnapshot, SnapshotStatus
from tests.factories import make_participant


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    return tmp_path


def test_metrics_are_empty_until_the_first_snapshot(client_for, trial_manager):
    body = client_for(trial_manager).get("/api/v1/metrics/").json()
    assert body["snapshot_id"] is None
    assert body["headline"] is None
    assert body["tables"] == []


def test_metrics_come_from_the_latest_snapshot_scoped_to_the_user(
    client_for, trial_manager, site_lead_a, participant_a, participant_b
):
    snapshot = snapshots.build_snapshot()
    manager = client_for(trial_manager).get("/api/v1/metrics/").json()
    assert manager["snapshot_id"] == snapshot.id
    assert manager["headline"]["randomised"] == 2
    assert manager["headline"]["recruitment"]["numerator"] == 2
    assert {c["light"] for c in manager["criteria"]} <= {"green", "amber", "red", "unknown"}
    assert any(t["key"] == "recruitment_sites" for t in manager["tables"])
    lead = client_for(site_lead_a).get("/api/v1/metrics/").json()
    assert lead["headline"]["randomised"] == 1
    only_b = client_for(trial_manager).get("/api/v1/metrics/?site=LDS").json()
    assert only_b["headline"]["randomised"] == 1


def test_metrics_for_a_site_you_cannot_see_is_not_found(client_for, site_lead_a, site_b):
    snapshots.build_snapshot()
    response = client_for(site_lead_a).get("/api/v1/metrics/?site=LDS")
    assert response.status_code == 404
    assert "LDS" not in response.content.decode()
    assert client_for(site_lead_a).get("/api/v1/metrics/?site=BRS").status_code == 200


def test_metrics_month_filter_names_the_format(client_for, trial_manager):
    response = client_for(trial_manager).get("/api/v1/metrics/?month_from=2026-13")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "month_from"


def test_metrics_month_range_must_run_forwards(client_for, trial_manager):
    response = client_for(trial_manager).get("/api/v1/metrics/?month_from=2026-05&month_to=2026-03")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "month_to" and "before the start month" in error["message"]


def test_refresh_starts_one_build(client_for, trial_manager):
    client = client_for(trial_manager)
    first = client.post("/api/v1/metrics/refresh/")
    again = client.post("/api/v1/metrics/refresh/")
    assert first.status_code == again.status_code == 202
    assert first.json()["snapshot_id"] == again.json()["snapshot_id"]
    assert MetricSnapshot.objects.filter(status=SnapshotStatus.BUILDING).count() == 1


def test_export_request_is_queued_and_logged(client_for, trial_manager, export_root):
    response = client_for(trial_manager).post(
        "/api/v1/exports/",
        {"dataset": "wide", "file_format": "csv", "filters": {"site": "", "arm": "control"}},
    )
    assert response.status_code == 202, response.json()
    job = ExportJob.objects.get()
    assert (job.requested_by, job.filters) == (trial_manager, {"arm": "control"})
    assert response.json()["status"] == "queued"


def test_export_for_an_unknown_dataset_is_refused(client_for, trial_manager):
    response = client_for(trial_manager).post(
        "/api/v1/exports/", {"dataset": "everything", "file_format": "csv"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "dataset"
    assert not ExportJob.objects.exists()


def test_finished_export_downloads_once_logged_for_its_requester_only(
    client_for, trial_manager, data_manager, site_a, pwp_a, export_root
):
    make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    job = export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    export_jobs.build_export(job.id)
    detail = client_for(trial_manager).get(f"/api/v1/exports/{job.public_id}/").json()
    assert (detail["status"], detail["row_count"], detail["download_ready"]) == ("ready", 1, True)
    response = client_for(trial_manager).get(f"/api/v1/exports/{job.public_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert b"BRS-0001" in b"".join(response.streaming_content)
    job.refresh_from_db()
    assert job.downloaded_at is not None
    other = client_for(data_manager).get(f"/api/v1/exports/{job.public_id}/download/")
    assert other.status_code == 404


def test_the_api_builds_the_report_and_serves_it_as_pdf(
    client_for, trial_manager, site_a, pwp_a, export_root
):
    make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    response = client_for(trial_manager).post(
        "/api/v1/exports/",
        {"dataset": "steering_report", "file_format": "pdf", "filters": {"version": "open"}},
        format="json",
    )
    assert response.status_code == 202, response.json()
    job = export_jobs.build_export(ExportJob.objects.get().id)
    download = client_for(trial_manager).get(f"/api/v1/exports/{job.public_id}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
