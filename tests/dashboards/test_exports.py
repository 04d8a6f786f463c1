"""Analysis exports: pseudonymised content, labels in Stata/SPSS, CSV safety, the access log."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pyreadstat
import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import DomainError
from apps.dashboards import export_jobs, snapshots
from apps.dashboards.adverse_event_export import ADVERSE_EVENTS
from apps.dashboards.export_dictionary import DEVIATIONS, LONG, WIDE
from apps.dashboards.export_missing import REASONS
from apps.dashboards.exports import safe_cell
from apps.dashboards.models import ExportJob, ExportStatus
from apps.outcomes.models import PHQ9Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def _build(user, dataset, file_format="csv", **filters) -> ExportJob:
    job = export_jobs.request_export(
        by=user, dataset=dataset, file_format=file_format, filters=filters
    )
    return export_jobs.build_export(job.id)


def _csv_rows(job) -> list[dict]:
    with open(job.file_path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_wide_export_has_one_row_per_participant_and_derived_outcomes(small_pilot, trial_manager):
    job = _build(trial_manager, "wide")
    assert job.status == ExportStatus.READY and job.row_count == 6 and job.progress == 100
    rows = {row["trial_id"]: row for row in _csv_rows(job)}
    a1, a2, a3, a4, a5 = (
        rows[small_pilot.people[k].trial_id] for k in ("A1", "A2", "A3", "A4", "A5")
    )
    assert (a1["arm"], a1["quit4w"], a1["pp7_month3"], a1["rs6"]) == (
        "intervention",
        "quit_co_verified",
        "abstinent_co_verified",
        "1",
    )
    assert (a1["phq9_baseline"], a1["phq9_change"], a1["tt_recovered"]) == ("14", "-8", "1")
    assert (a1["sess_attended"], a1["sess_dna"], a1["fidelity"]) == ("2", "1", "86.7")
    assert a4["quit4w"] == "quit_self_report" and a4["co_week4"] == ""
    assert a5["quit4w"] == "not_quit" and a5["co4_window"] == "12"
    # No quit date: the 4-week check does not apply, so it is empty, never "not known".
    assert (a3["quit_date_set"], a3["quit4w"], a3["status_week4"], a3["exit_reason"]) == (
        "0",
        "",
        "not_applicable",
        "uncontactable",
    )
    assert (a2["status"], a2["exit_reason"], a2["exit_day"]) == (
        "withdrawn",
        "participant_choice",
        "19",
    )
    assert list(rows[small_pilot.people["A1"].trial_id]) == [v.name for v in WIDE]


def test_exports_never_contain_contact_details(small_pilot, trial_manager):
    for dataset in ("wide", "long"):
        job = _build(trial_manager, dataset)
        with open(job.file_path, encoding="utf-8") as handle:
            text = handle.read()
        assert "@" not in text and "example.test" not in text
        assert "year_of_birth" not in text and "1980" not in text


def test_long_export_has_one_row_per_measure(small_pilot, trial_manager):
    job = _build(trial_manager, "long")
    rows = _csv_rows(job)
    a1 = [r for r in rows if r["trial_id"] == small_pilot.people["A1"].trial_id]
    by_instrument = {}
    for r in a1:
        by_instrument[r["instrument"]] = by_instrument.get(r["instrument"], 0) + 1
    assert by_instrument == {"phq9": 3, "gad7": 3, "co": 4, "smoking": 3}
    co_week4 = next(r for r in a1 if r["instrument"] == "co" and r["timepoint"] == "week4")
    assert (co_week4["value"], co_week4["band"], co_week4["day"]) == ("4", "non-smoker", "35")
    assert list(rows[0]) == [v.name for v in LONG]


def test_filters_limit_the_export_to_one_site_and_arm(small_pilot, trial_manager):
    job = _build(trial_manager, "wide", site="BRS", arm="control")
    trial_ids = {row["trial_id"] for row in _csv_rows(job)}
    assert trial_ids == {small_pilot.people["A2"].trial_id, small_pilot.people["A4"].trial_id}
    assert job.filters == {"site": "BRS", "arm": "control"}


def test_dictionary_lists_every_variable_with_labels(trial_manager):
    rows = _csv_rows(_build(trial_manager, "dictionary"))
    arm = next(r for r in rows if r["dataset"] == "wide" and r["variable"] == "arm")
    assert arm["label"] == "Allocated arm" and arm["type"] == "category"
    assert "intervention = Intervention" in arm["value_labels"]
    co = next(r for r in rows if r["variable"] == "co_month3")
    assert (co["units"], co["allowed"]) == ("ppm", "0-100")
    assert len(rows) == len(WIDE) + len(LONG) + len(ADVERSE_EVENTS) + len(DEVIATIONS)


@pytest.mark.parametrize(
    ("file_format", "reader"), [("dta", pyreadstat.read_dta), ("sav", pyreadstat.read_sav)]
)
def test_stata_and_spss_files_carry_variable_and_value_labels(
    small_pilot, trial_manager, file_format, reader
):
    job = _build(trial_manager, "wide", file_format)
    frame, meta = reader(job.file_path)
    assert len(frame) == 6
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["quit4w"] == "4-week quit outcome (Russell Standard)"
    arm_labels = meta.variable_value_labels["arm"]
    assert arm_labels[1] == "Intervention" and arm_labels[2] == "Control"
    a1 = frame[frame["trial_id"] == small_pilot.people["A1"].trial_id].iloc[0]
    assert a1["arm"] == 1 and a1["rs6"] == 1 and a1["phq9_change"] == -8
    assert meta.variable_value_labels["quit4w"][a1["quit4w"]] == "Quit (CO-verified)"


@pytest.mark.parametrize(
    ("dataset", "file_format", "reader"),
    [
        ("long", "dta", pyreadstat.read_dta),
        ("dictionary", "sav", pyreadstat.read_sav),
    ],
)
def test_long_and_dictionary_open_in_stata_and_spss(
    small_pilot, trial_manager, dataset, file_format, reader
):
    job = _build(trial_manager, dataset, file_format)
    frame, meta = reader(job.file_path)
    assert len(frame) == job.row_count > 0
    if dataset == "long":
        assert meta.variable_value_labels["instrument"][1] == "PHQ-9 total"
    else:
        assert "trial_id" in set(frame["variable"])


DIFFICULTY_LABELS = {
    0: "Not difficult at all",
    1: "Somewhat difficult",
    2: "Very difficult",
    3: "Extremely difficult",
}


@pytest.fixture
def a1_difficulty(small_pilot):
    """A1 answered the PHQ-9 difficulty question at baseline (2) and 3 months (1), not at 6."""
    a1 = small_pilot.people["A1"]
    PHQ9Response.objects.filter(participant=a1, timepoint="baseline").update(difficulty=2)
    PHQ9Response.objects.filter(participant=a1, timepoint="month3").update(difficulty=1)
    return a1


def test_wide_export_carries_the_phq9_difficulty_beside_each_phq9(a1_difficulty, trial_manager):
    rows = {row["trial_id"]: row for row in _csv_rows(_build(trial_manager, "wide"))}
    a1 = rows[a1_difficulty.trial_id]
    names = list(a1)
    for timepoint in ("baseline", "month3", "month6"):
        assert names.index(f"phq9_difficulty_{timepoint}") == names.index(f"phq9_{timepoint}") + 1
    assert "phq9_difficulty_week4" not in names
    assert (a1["phq9_difficulty_baseline"], a1["phq9_difficulty_month3"]) == ("2", "1")
    assert a1["phq9_difficulty_month6"] == ""
    assert (a1["phq9_baseline"], a1["phq9_change"], a1["tt_recovered"]) == ("14", "-8", "1")


def test_long_export_carries_the_phq9_difficulty_on_phq9_rows(a1_difficulty, trial_manager):
    rows = _csv_rows(_build(trial_manager, "long"))
    a1 = [r for r in rows if r["trial_id"] == a1_difficulty.trial_id]
    phq9 = {r["timepoint"]: r["phq9_difficulty"] for r in a1 if r["instrument"] == "phq9"}
    assert phq9 == {"baseline": "2", "month3": "1", "month6": ""}
    assert {r["phq9_difficulty"] for r in a1 if r["instrument"] != "phq9"} == {""}


def test_dictionary_gives_the_phq9_difficulty_label_type_and_value_labels(trial_manager):
    rows = _csv_rows(_build(trial_manager, "dictionary"))
    entries = {(r["dataset"], r["variable"]): r for r in rows if "phq9_difficulty" in r["variable"]}
    assert set(entries) == {
        ("wide", "phq9_difficulty_baseline"),
        ("wide", "phq9_difficulty_month3"),
        ("wide", "phq9_difficulty_month6"),
        ("long", "phq9_difficulty"),
    }
    baseline = entries[("wide", "phq9_difficulty_baseline")]
    assert baseline["label"] == "PHQ-9 difficulty (not scored), Baseline"
    assert (baseline["type"], baseline["allowed"]) == ("integer", "0-3")
    expected = "; ".join(f"{code} = {label}" for code, label in DIFFICULTY_LABELS.items())
    assert all(entry["value_labels"] == expected for entry in entries.values())


@pytest.mark.parametrize(
    ("file_format", "reader"), [("dta", pyreadstat.read_dta), ("sav", pyreadstat.read_sav)]
)
def test_stata_and_spss_label_the_phq9_difficulty_codes_0_to_3(
    a1_difficulty, trial_manager, file_format, reader
):
    frame, meta = reader(_build(trial_manager, "wide", file_format).file_path)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["phq9_difficulty_month3"] == "PHQ-9 difficulty (not scored), 3-month follow-up"
    assert meta.variable_value_labels["phq9_difficulty_baseline"] == DIFFICULTY_LABELS
    for timepoint in ("month3", "month6"):
        # At a follow-up the reason codes are labelled too (test_export_missing_values.py).
        labels = meta.variable_value_labels[f"phq9_difficulty_{timepoint}"]
        assert {code: labels[code] for code in DIFFICULTY_LABELS} == DIFFICULTY_LABELS
        assert len(labels) == len(DIFFICULTY_LABELS) + len(REASONS)
    a1 = frame[frame["trial_id"] == a1_difficulty.trial_id].iloc[0]
    assert (a1["phq9_difficulty_baseline"], a1["phq9_difficulty_month3"]) == (2, 1)
    assert a1["phq9_baseline"] == 14
    frame, meta = reader(_build(trial_manager, "long", file_format).file_path)
    assert meta.variable_value_labels["phq9_difficulty"] == DIFFICULTY_LABELS
    assert sorted(frame["phq9_difficulty"].dropna().tolist()) == [1, 2]


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [safe_cell(v) for v in ("+1", "-1", "@SUM(A1)", "\tx", "BRS-0001")] == [
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "BRS-0001",
    ]
    assert safe_cell(-3) == -3 and safe_cell(None) == ""


def test_dashboard_csv_neutralises_a_formula_in_a_name(client, small_pilot, trial_manager, pwp_a):
    pwp_a.full_name = "=2+5"
    pwp_a.save()
    snapshots.build_snapshot()
    client.force_login(trial_manager)
    response = client.get(reverse("dashboard-csv", args=["fidelity_pwps"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=2+5"


def test_pwp_cannot_request_an_export(client, pwp_a):
    with pytest.raises(DomainError, match="cannot export"):
        export_jobs.request_export(by=pwp_a, dataset="wide", file_format="csv")
    client.force_login(pwp_a)
    response = client.post(reverse("exports"), {"dataset": "wide", "file_format": "csv"})
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_bad_export_choices_name_the_field_and_store_nothing(trial_manager):
    with pytest.raises(DomainError) as error:
        export_jobs.request_export(by=trial_manager, dataset="wide", file_format="xlsx")
    assert error.value.field == "file_format"
    with pytest.raises(DomainError) as error:
        export_jobs.request_export(
            by=trial_manager, dataset="wide", file_format="csv", filters={"site": "NOPE"}
        )
    assert error.value.field == "site"
    assert not ExportJob.objects.exists()


def test_export_page_queues_a_job_and_logs_it(
    client, trial_manager, site_a, django_capture_on_commit_callbacks
):
    client.force_login(trial_manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("exports"), {"dataset": "wide", "file_format": "dta", "site": "BRS"}
        )
    assert response.status_code == 302 and len(callbacks) == 1
    job = ExportJob.objects.get()
    assert (job.requested_by, job.dataset, job.file_format, job.filters) == (
        trial_manager,
        "wide",
        "dta",
        {"site": "BRS"},
    )
    html = client.get(reverse("exports")).content.decode()
    assert trial_manager.email in html and "Queued" in html


def test_only_the_requester_downloads_and_the_download_is_logged(
    client, small_pilot, trial_manager, data_manager
):
    job = _build(trial_manager, "wide")
    url = reverse("export-download", args=[job.public_id])
    other_manager = UserFactory(email="manager2@nhs.test", role="trial_manager")
    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    client.force_login(data_manager)
    assert client.get(url).status_code == 404
    client.force_login(trial_manager)
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("trial_id,site,arm")
    job.refresh_from_db()
    assert job.downloaded_at is not None


def test_access_log_shows_everyone_to_trial_managers_and_own_to_data_managers(
    client, trial_manager, data_manager, criteria
):
    mine = export_jobs.request_export(by=data_manager, dataset="dictionary", file_format="csv")
    theirs = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    client.force_login(trial_manager)
    jobs = list(client.get(reverse("exports")).context["jobs"])
    assert {j.id for j in jobs} == {mine.id, theirs.id}
    client.force_login(data_manager)
    jobs = list(client.get(reverse("exports")).context["jobs"])
    assert [j.id for j in jobs] == [mine.id]


def test_export_status_reports_progress(client, trial_manager, small_pilot):
    job = _build(trial_manager, "long")
    client.force_login(trial_manager)
    state = client.get(reverse("export-status", args=[job.public_id])).json()
    assert state["status"] == "ready" and state["progress"] == 100
    assert state["row_count"] == job.row_count


def test_a_build_another_worker_is_running_is_left_to_it(trial_manager, export_root):
    job = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    ExportJob.objects.filter(id=job.id).update(status=ExportStatus.RUNNING, progress=40)
    again = export_jobs.build_export(job.id)  # a redelivered task while the first still runs
    assert (again.status, again.progress, again.file_path) == (ExportStatus.RUNNING, 40, "")
    assert not export_root.exists() or list(export_root.glob("*")) == []


def test_a_build_whose_worker_went_quiet_is_taken_over(trial_manager, export_root):
    job = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    quiet_since = timezone.now() - export_jobs.STALE_BUILD_AFTER - timedelta(seconds=1)
    ExportJob.objects.filter(id=job.id).update(status=ExportStatus.RUNNING, updated_at=quiet_since)
    again = export_jobs.build_export(job.id)
    assert again.status == ExportStatus.READY and Path(again.file_path).exists()
    assert list(export_root.glob("*.part")) == []
