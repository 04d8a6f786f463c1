"""Usual psychological care: Talking Therapies sessions at 3 and 6 months, from the staff form to
the dashboard and the export."""

import csv
import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.clinical.participant_records import TherapySessionsRecord
from apps.clinical.usual_care import UsualCare, usual_care_errors, usual_care_so_far
from apps.dashboards import export_jobs
from apps.dashboards.metrics_estimates import Summary
from apps.dashboards.report import Filters, build_report
from apps.dashboards.snapshots import compute_snapshot_data
from apps.outcomes.models import TherapySessionsReport
from tests.outcomes.test_smoking_heaviness_paths import STAFF_SMOKER
from tests.outcomes.test_stop_date import TODAY, _open_at


@pytest.mark.parametrize(
    ("timepoint", "counts", "fields"),
    [
        ("month3", (8, 5, 2), []),
        ("month6", (None, None, None), []),
        ("month3", (4, 4, 0), []),
        ("month3", (4, 3, 2), ["therapy_planned"]),  # 3 + 2 > 4
        ("month6", (6, None, 1), ["therapy_attended"]),
        ("month3", (61, 0, 0), ["therapy_planned"]),
        ("week4", (3, 2, 1), ["therapy_planned"]),
        ("month3", (-1, 0, 0), ["therapy_planned"]),
    ],
)
def test_the_counts_are_checked_by_one_rule(timepoint, counts, fields):
    assert [e.field for e in usual_care_errors(timepoint, *counts)] == fields


def test_the_latest_report_is_the_usual_care_so_far():
    day = dt.date(2026, 6, 1)
    reports = (
        TherapySessionsRecord("month6", day + dt.timedelta(days=90), 12, 9, 2),
        TherapySessionsRecord("month3", day, 6, 4, 1),
    )
    assert usual_care_so_far(reports) == UsualCare(12, 9, 2)
    assert usual_care_so_far(()) is None


@pytest.mark.django_db
def test_a_follow_up_records_them_and_the_dashboard_and_export_count_them(
    client, site_a, pwp_a, trial_manager, settings, tmp_path
):
    settings.EXPORT_ROOT = tmp_path
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    client.force_login(pwp_a)
    url = reverse("follow-up-record", args=[participant.public_id, follow_up.public_id])
    assert "Usual psychological care" in client.get(url).content.decode()
    form = {**STAFF_SMOKER, "completed_on": str(TODAY()), "therapy_planned": "8",
            "therapy_attended": "3"}  # fmt: skip
    missing = client.post(url, form).context["form"].errors
    assert "therapy_dna" in missing and not TherapySessionsReport.objects.exists()
    response = client.post(url, {**form, "therapy_dna": "2"})
    assert response.status_code == 302, response.context["form"].errors
    report = TherapySessionsReport.objects.get(participant=participant)
    assert (report.sessions_planned, report.sessions_attended, report.sessions_dna) == (8, 3, 2)
    page = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert "8 planned, 3 attended, 2 not attended" in page.content.decode()

    tables = build_report(compute_snapshot_data(), Filters(frozenset({site_a.id})), []).tables
    treated = next(row for row in tables["usual_care"].rows if row[0] == "Intervention")
    assert (treated[1].numerator, treated[1].denominator) == (1, 1)
    assert (treated[2], treated[3], treated[4]) == (8.0, Summary(1, 3.0, None), 2.0)

    job = export_jobs.build_export(
        export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv").id
    )
    with open(job.file_path, encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert (row["therapy_planned"], row["therapy_attended"], row["therapy_dna"]) == ("8", "3", "2")


@pytest.mark.django_db
def test_the_database_refuses_counts_that_do_not_add_up(site_a, pwp_a):
    participant, _ = _open_at(site_a, pwp_a, "month3")
    with pytest.raises(IntegrityError), transaction.atomic():
        TherapySessionsReport.objects.create(
            participant=participant, completed_on=TODAY(), timepoint="month3", source="phone",
            sessions_planned=2, sessions_attended=2, sessions_dna=1,
        )  # fmt: skip
