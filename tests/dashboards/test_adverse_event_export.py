"""The adverse event listing: one row per event, coded terms, labels in Stata and SPSS."""

import csv
import datetime as dt

import pyreadstat
import pytest

from apps.dashboards import export_jobs
from apps.safety.rules import AdverseEventValues
from apps.safety.services import record_adverse_event, record_sponsor_report

pytestmark = pytest.mark.django_db
ONSET = dt.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def events(small_pilot, pwp_a, trial_manager):
    a1, a4 = small_pilot.people["A1"], small_pilot.people["A4"]
    serious = record_adverse_event(
        participant=a1,
        by=pwp_a,
        values=AdverseEventValues(
            onset_on=ONSET, description="Admitted: chest pain (Mrs Smith's neighbour).",
            severity="severe", serious=True, seriousness_criteria=("hospitalisation",),
            expected=False, relatedness="possibly", outcome="recovered",
            resolved_on=dt.date(2025, 3, 9),
        ),
    )  # fmt: skip
    record_sponsor_report(event=serious, by=trial_manager)
    record_adverse_event(
        participant=a4,
        by=pwp_a,
        values=AdverseEventValues(
            onset_on=ONSET, description="Headache.", severity="mild", serious=False,
            relatedness="not_related", outcome="unknown",
        ),
    )  # fmt: skip
    return small_pilot


def _build(user, file_format="csv", **filters):
    job = export_jobs.request_export(
        by=user, dataset="adverse_events", file_format=file_format, filters=filters
    )
    return export_jobs.build_export(job.id)


def test_one_row_per_event_with_codes_and_no_free_text(events, trial_manager):
    job = _build(trial_manager)
    rows = _rows_for(job)
    with open(job.file_path, encoding="utf-8") as handle:
        text = handle.read()
    assert "Smith" not in text and "Headache" not in text  # free text stays in QuitPilot
    by_id = {row["trial_id"]: row for row in rows}
    a1 = by_id[events.people["A1"].trial_id]
    assert (a1["arm"], a1["serious"], a1["serious_hospitalisation"], a1["serious_death"]) == (
        "intervention",
        "1",
        "1",
        "0",
    )
    assert a1["onset_day"] == "19" and a1["relatedness"] == "possibly" and a1["event"] == "1"
    assert a1["reported_on"] and a1["hours_to_report"] == "0"
    a4 = by_id[events.people["A4"].trial_id]
    assert (a4["arm"], a4["serious"], a4["expected"], a4["reported_on"]) == ("control", "0", "", "")
    assert len(_rows_for(_build(trial_manager, arm="control"))) == 1


def _rows_for(job):
    with open(job.file_path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("file_format", "reader"), [("dta", pyreadstat.read_dta), ("sav", pyreadstat.read_sav)]
)
def test_stata_and_spss_listings_carry_labels(events, trial_manager, file_format, reader):
    frame, meta = reader(_build(trial_manager, file_format).file_path)
    assert len(frame) == 2
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["relatedness"] == "Relatedness to the cessation treatment"
    relatedness = meta.variable_value_labels["relatedness"]
    assert set(relatedness.values()) >= {"Not related", "Possibly", "Definitely"}
    assert meta.variable_value_labels["serious"] == {1.0: "Yes", 0.0: "No"}


def test_the_dictionary_describes_the_listing(trial_manager):
    job = export_jobs.build_export(
        export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv").id
    )
    rows = _rows_for(job)
    listing = {row["variable"]: row for row in rows if row["dataset"] == "adverse_events"}
    assert "hours_to_report" in listing and listing["severity"]["type"] == "category"
