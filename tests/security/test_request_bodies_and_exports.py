"""Oversized and malformed request bodies answer 400/413 (the API in its error shape), never
500; spreadsheet formulas in exported text are neutralised (issue 14)."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.test import Client

from apps.dashboards.exports import FORMULA_PREFIXES, safe_cell

pytestmark = pytest.mark.django_db


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula (a plain number is a number)."""
    try:
        float(cell)
    except ValueError:
        return cell.startswith(FORMULA_PREFIXES)
    return False


def test_upload_limits_are_set_for_small_forms():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000


def test_an_oversized_form_post_answers_400_not_500(client, pwp_a):
    client.force_login(pwp_a)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/screening/new/", {"notes": big})
    assert response.status_code in (400, 413)


def test_a_form_with_too_many_fields_answers_400(client, pwp_a):
    client.force_login(pwp_a)
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/screening/new/", fields)
    assert response.status_code == 400


def test_an_oversized_api_body_answers_in_the_error_shape(pwp_a):
    client = Client()
    client.force_login(pwp_a)
    body = json.dumps({"notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.post("/api/v1/screenings/", body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert set(response.json()) == {"errors"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"screened_on": ', "application/json"),
        ("\xff\xfe", "application/json"),
        ("screened_on=2025-01-01", "application/x-www-form-urlencoded"),
        ("<xml/>", "application/xml"),
        ("plain", "text/plain"),
    ],
)
def test_malformed_or_wrong_type_api_bodies_answer_the_error_shape(pwp_a, body, content_type):
    from apps.patients.models import ScreeningRecord

    client = Client()
    client.force_login(pwp_a)
    before = ScreeningRecord.objects.count()
    response = client.post("/api/v1/screenings/", body, content_type=content_type)
    assert response.status_code in (400, 415)
    errors = response.json()["errors"]
    assert errors and all({"field", "code", "message"} <= set(e) for e in errors)
    assert ScreeningRecord.objects.count() == before


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_a_cell_starting_like_a_formula_is_neutralised(prefix):
    assert safe_cell(f"{prefix}HYPERLINK(1)") == f"'{prefix}HYPERLINK(1)"
    assert safe_cell("BRS-0001") == "BRS-0001" and safe_cell(-3) == -3


def test_the_dashboard_csv_neutralises_a_site_named_like_a_formula(world, trial_manager):
    from apps.dashboards.snapshots import build_snapshot
    from tests.security.world import dashboard_csv_keys

    world.b.site.name = '=HYPERLINK("https://evil.example","x")'
    world.b.site.save()
    build_snapshot()
    client = Client()
    client.force_login(trial_manager)
    cells = []
    for key in dashboard_csv_keys(trial_manager):
        body = client.get(f"/dashboard/data/{key}.csv").content.decode()
        cells += [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert cells
    formulas = [c for c in cells if runs_as_formula(c)]
    assert formulas == []


def test_every_export_file_has_no_cell_a_spreadsheet_would_run(world, trial_manager):
    from apps.dashboards import export_jobs
    from apps.dashboards.models import ExportDataset

    # The steering committee report is a PDF or HTML document (its escaping is tested with it).
    for dataset in set(ExportDataset.values) - {ExportDataset.STEERING_REPORT}:
        job = export_jobs.request_export(by=trial_manager, dataset=dataset, file_format="csv")
        export_jobs.build_export(job.id)
        job.refresh_from_db()
        with open(job.file_path, newline="", encoding="utf-8") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert [c for c in cells if runs_as_formula(c)] == [], dataset
