"""The steering committee report as an export job: requested, built, downloaded and logged."""

from pathlib import Path

import pytest
from django.urls import reverse

from apps.core.errors import DomainError
from apps.core.models import AccessKind, AccessLog
from apps.dashboards import export_jobs
from apps.dashboards.models import ExportJob, ExportJobEvent, ExportStatus
from apps.sites.models import DataLock
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def _build(user, file_format="pdf", **filters) -> ExportJob:
    job = export_jobs.request_export(
        by=user, dataset="steering_report", file_format=file_format, filters=filters
    )
    return export_jobs.build_export(job.id)


@pytest.mark.parametrize(
    ("dataset", "file_format", "filters", "field", "words"),
    [
        ("steering_report", "csv", {}, "file_format", "pdf, html"),
        ("wide", "pdf", {}, "file_format", "csv, dta, sav"),
        ("steering_report", "pdf", {"version": "secret"}, "version", "open, closed"),
        ("steering_report", "html", {"site": "BRS"}, "filters", "site"),
        ("wide", "csv", {"version": "open"}, "filters", "version"),
    ],
)
def test_bad_report_requests_name_the_field_and_store_nothing(
    trial_manager, dataset, file_format, filters, field, words
):
    with pytest.raises(DomainError) as error:
        export_jobs.request_export(
            by=trial_manager, dataset=dataset, file_format=file_format, filters=filters
        )
    assert error.value.field == field and words in error.value.message
    assert not ExportJob.objects.exists()


def test_the_report_is_open_unless_closed_is_asked_for(trial_manager):
    job = export_jobs.request_export(by=trial_manager, dataset="steering_report", file_format="pdf")
    assert job.filters == {"version": "open"}


def test_a_pwp_cannot_request_the_report(pwp_a):
    with pytest.raises(DomainError) as error:
        export_jobs.request_export(by=pwp_a, dataset="steering_report", file_format="pdf")
    assert error.value.field == "user"


def test_the_pdf_is_built_with_progress_and_counts_the_pilot_now(small_pilot, trial_manager):
    job = _build(trial_manager, version="closed")
    assert (job.status, job.progress, job.row_count) == (ExportStatus.READY, 100, 6)
    body = Path(job.file_path).read_bytes()
    text = pdf_text(body)
    assert "Closed report" in text and "Outcomes by arm" in text and "BRS" in text
    seen = set(ExportJobEvent.objects.filter(pgh_obj=job).values_list("progress", flat=True))
    assert {85, 98} <= seen  # assembling and rendering after the counting


def test_a_report_built_under_a_lock_says_so(small_pilot, trial_manager):
    DataLock.objects.create(site=None, reason="Final analysis", locked_by=trial_manager)
    job = _build(trial_manager, file_format="html")
    html = Path(job.file_path).read_text(encoding="utf-8")
    assert job.data_lock and job.data_lock in html
    assert "Open report: both arms pooled" in html


def test_the_exports_page_builds_the_report_and_logs_each_download(
    client, small_pilot, trial_manager, django_capture_on_commit_callbacks
):
    client.force_login(trial_manager)
    page = client.get(reverse("exports")).content.decode()
    assert 'id="report-form"' in page and 'name="report-version"' in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("exports"), {"report-version": "closed", "report-file_format": "html"}
        )
    assert response.status_code == 302 and len(callbacks) == 1
    job = ExportJob.objects.get()
    assert (job.dataset, job.file_format, job.filters) == (
        "steering_report",
        "html",
        {"version": "closed"},
    )
    export_jobs.build_export(job.id)
    url = reverse("export-download", args=[job.public_id])
    for _ in range(2):
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/html")
        assert b"steering committee report" in b"".join(download.streaming_content)
    assert "steering_report" in download["Content-Disposition"]
    logged = AccessLog.objects.filter(kind=AccessKind.EXPORT_DOWNLOADED, object_ref=job.public_id)
    assert logged.count() == 2


def test_a_bad_report_choice_on_the_page_is_shown_and_stores_nothing(client, trial_manager):
    client.force_login(trial_manager)
    response = client.post(
        reverse("exports"), {"report-version": "secret", "report-file_format": "xlsx"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Report version: Select a valid choice" in html
    assert "Report file format: Select a valid choice" in html
    assert not ExportJob.objects.exists()
