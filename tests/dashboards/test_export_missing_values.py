"""(2nd ed.) The wide export says why each value is missing, never a value in its place.

CSV: an empty cell and status_<timepoint>; Stata: extended missing values .a-.f with value
labels; SPSS: user-missing codes -991 to -996, declared missing, with value labels.
"""

import csv
import datetime as dt

import pyreadstat
import pytest
from django.utils import timezone

from apps.clinical.choices import ExitReason
from apps.clinical.outcome_labels import TIMEPOINT_STATUS_LABELS
from apps.dashboards import export_jobs, exports
from apps.dashboards.export_dictionary import WIDE, Variable
from apps.dashboards.export_missing import (
    EXPORT_STATUS_LABELS,
    NOT_YET_DUE,
    export_status,
    missing_reason,
)
from apps.journey.services import withdraw_participant
from apps.patients.services import mark_lost_to_follow_up
from tests.dashboards.pilot import QUIT_DATE, RANDOMISED_ON, _co, _fixed_arms, _randomise, _smoking

pytestmark = pytest.mark.django_db

D = dt.date
WEEK4_COLUMNS = ("quit4w", "smokefree14_week4", "check4_day", "co4_window", "co_week4")
MONTH3_COLUMNS = ("pp7_month3", "smoked7d_month3", "cigs7d_month3", "phq9_month3", "co_month3")
MONTH6_COLUMNS = ("rs6", "pp7_month6", "smokefree14_month6", "cigs14_month6", "smoked7d_month6")
MONTH6_COLUMNS += ("co_month6", "phq9_month6", "gad7_month6")
STATA = {"a": "Not yet due", "b": "Not applicable", "c": "Missed or lost", "d": "Withdrawn"}
STATA |= {"e": "Died", "f": "Moved, cannot be traced"}
SPSS = {-991: "Not yet due", -992: "Not applicable", -993: "Missed or lost", -994: "Withdrawn"}
SPSS |= {-995: "Died", -996: "Moved, cannot be traced"}


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture
def cohort(site_a, pwp_a) -> dict:
    """One participant per reason a timepoint's values are missing (and one with them all)."""
    _fixed_arms(site_a, ["intervention"] * 3 + ["control"] * 4)
    today = timezone.localdate()
    people = {}

    # 6-month window open today, not completed: week 4 and 3 months done, a 6-month report
    # and CO already taken (not through the follow-up, so it is still open).
    start = today - dt.timedelta(days=175)
    quit_on = start + dt.timedelta(days=7)
    p = people["open"] = _randomise(site_a, pwp_a, start, quit_date=quit_on)
    week4 = quit_on + dt.timedelta(days=30)
    _smoking(p, "week4", week4, smoke_free_since_day_14=True)
    _co(p, "week4", week4, 4)
    _smoking(p, "month3", start + dt.timedelta(days=91))
    yesterday = today - dt.timedelta(days=1)
    _smoking(p, "month6", yesterday, follow_up=False, smoke_free_since_day_14=True)
    _co(p, "month6", yesterday, 3)

    # No quit date: the 4-week check does not apply; 3 and 6 months passed with nothing done.
    people["no_quit_date"] = _randomise(site_a, pwp_a, RANDOMISED_ON)

    # Quit date set, the 4-week check missed (no report; its window closed long ago).
    people["missed"] = _randomise(site_a, pwp_a, RANDOMISED_ON, quit_date=QUIT_DATE)

    # Withdrawn on day 19, before the 4-week window opened.
    p = people["withdrawn"] = _randomise(site_a, pwp_a, RANDOMISED_ON, quit_date=QUIT_DATE)
    withdraw_participant(participant=p, on=D(2025, 3, 1), reason=ExitReason.PARTICIPANT_CHOICE)

    # Died in month 2.
    p = people["died"] = _randomise(site_a, pwp_a, RANDOMISED_ON)
    withdraw_participant(participant=p, on=RANDOMISED_ON + dt.timedelta(days=40),
                         reason=ExitReason.DIED)  # fmt: skip

    # Moved to an address where they cannot be traced, in month 2.
    p = people["untraceable"] = _randomise(site_a, pwp_a, RANDOMISED_ON)
    mark_lost_to_follow_up(participant=p, on=RANDOMISED_ON + dt.timedelta(days=50),
                           reason=ExitReason.MOVED_UNTRACEABLE)  # fmt: skip

    # Lost (could not be contacted) before the 3-month window closed.
    p = people["lost"] = _randomise(site_a, pwp_a, RANDOMISED_ON)
    mark_lost_to_follow_up(participant=p, on=D(2025, 5, 1), reason=ExitReason.UNCONTACTABLE)
    return people


def test_every_timepoint_status_is_completed_or_has_a_reason():
    reasons = {}
    for status in TIMEPOINT_STATUS_LABELS:  # every status participant_outcomes() gives
        assert export_status(status) in EXPORT_STATUS_LABELS
        reasons[status] = missing_reason(status)
    assert [status for status, reason in reasons.items() if reason is None] == ["completed"]
    assert reasons["open"] == reasons["not_yet_due"] and reasons["missed"] == reasons["lost"]
    assert len({reasons[s] for s in ("not_applicable", "withdrawn", "died", "untraceable")}) == 4


def _build(user, file_format: str) -> str:
    job = export_jobs.request_export(by=user, dataset="wide", file_format=file_format, filters={})
    return export_jobs.build_export(job.id).file_path


def _wide_csv(user) -> dict[str, dict]:
    with open(_build(user, "csv"), encoding="utf-8") as handle:
        return {row["trial_id"]: row for row in csv.DictReader(handle)}


def _cells(row: dict, columns) -> set:
    return {row[name] for name in columns}


def test_an_open_6_month_window_codes_no_6_month_outcome(cohort, trial_manager):
    row = _wide_csv(trial_manager)[cohort["open"].trial_id]
    assert (row["status_week4"], row["status_month3"], row["status_month6"]) == (
        "completed",
        "completed",
        "not_yet_due",
    )
    # Never an RS6 of "no" (nor a 6-month report or CO) while the window is still open.
    assert _cells(row, MONTH6_COLUMNS) == {""}
    assert (row["quit4w"], row["co4_window"], row["check4_day"]) == ("quit_co_verified", "4", "30")
    assert (row["pp7_month3"], row["smoked7d_month3"]) == ("abstinent_self_report", "0")


def test_no_quit_date_makes_the_4_week_check_not_applicable_never_lost(cohort, trial_manager):
    row = _wide_csv(trial_manager)[cohort["no_quit_date"].trial_id]
    assert row["status_week4"] == "not_applicable" and _cells(row, WEEK4_COLUMNS) == {""}
    # Nothing was done at 3 and 6 months: missed, and their outcomes are empty, not "smoking".
    assert (row["status_month3"], row["status_month6"]) == ("missed", "missed")
    assert _cells(row, MONTH3_COLUMNS + MONTH6_COLUMNS) == {""}


def test_a_missed_4_week_check_is_empty_not_not_known(cohort, trial_manager):
    row = _wide_csv(trial_manager)[cohort["missed"].trial_id]
    assert (row["quit_date_set"], row["status_week4"]) == ("1", "missed")
    assert _cells(row, WEEK4_COLUMNS) == {""}


def test_a_withdrawal_leaves_every_later_timepoint_empty_with_its_reason(cohort, trial_manager):
    row = _wide_csv(trial_manager)[cohort["withdrawn"].trial_id]
    statuses = (row["status_week4"], row["status_month3"], row["status_month6"])
    assert statuses == ("withdrawn", "withdrawn", "withdrawn")
    assert _cells(row, WEEK4_COLUMNS + MONTH3_COLUMNS + MONTH6_COLUMNS) == {""}
    assert (row["exit_reason"], row["exit_day"]) == ("participant_choice", "19")


def test_a_death_leaves_the_later_timepoints_empty_as_died(cohort, trial_manager):
    rows = _wide_csv(trial_manager)
    died = rows[cohort["died"].trial_id]
    assert (died["status_week4"], died["status_month3"], died["status_month6"]) == (
        "not_applicable",
        "died",
        "died",
    )
    assert _cells(died, MONTH3_COLUMNS + MONTH6_COLUMNS) == {""}
    assert died["exit_reason"] == "died"
    untraceable, lost = rows[cohort["untraceable"].trial_id], rows[cohort["lost"].trial_id]
    assert (untraceable["status_month3"], lost["status_month3"]) == ("untraceable", "lost")


def _row(frame, participant):
    return frame[frame["trial_id"] == participant.trial_id].iloc[0]


def _labels_start(labels: dict, expected: dict) -> bool:
    return all(labels[code].startswith(start) for code, start in expected.items())


def test_stata_writes_each_reason_as_a_labelled_extended_missing_value(cohort, trial_manager):
    frame, meta = pyreadstat.read_dta(_build(trial_manager, "dta"), user_missing=True)
    people = {key: _row(frame, p) for key, p in cohort.items()}
    assert people["open"]["rs6"] == "a" and people["open"]["co_month6"] == "a"
    assert people["no_quit_date"]["quit4w"] == "b" and people["no_quit_date"]["rs6"] == "c"
    assert people["missed"]["quit4w"] == "c" and people["lost"]["pp7_month3"] == "c"
    assert people["withdrawn"]["quit4w"] == "d" and people["withdrawn"]["smoked7d_month3"] == "d"
    assert people["died"]["pp7_month3"] == "e" and people["died"]["phq9_month6"] == "e"
    assert people["untraceable"]["rs6"] == "f"
    # Completed timepoints keep their values; an unrecorded measure there is plain missing.
    open_ = people["open"]
    assert (open_["co4_window"], open_["check4_day"], open_["smoked7d_month3"]) == (4, 30, 0)
    assert meta.variable_value_labels["quit4w"][open_["quit4w"]] == "Quit (CO-verified)"
    assert open_["phq9_month3"] != open_["phq9_month3"]  # NaN: not recorded, no reason code
    for name in ("rs6", "quit4w", "co_month6", "phq9_month3", "cigs14_month6"):
        assert _labels_start(meta.variable_value_labels[name], STATA)
    assert meta.variable_value_labels["rs6"][1] == "Yes"
    assert set(meta.missing_user_values["rs6"]) == {"a", "c", "d", "e", "f"}
    # Baseline and whole-study columns never carry a reason code.
    assert "co_baseline" not in meta.missing_user_values
    assert "quit_attempt" not in meta.missing_user_values
    # Read as Stata does by default, every code is missing.
    plain, _meta = pyreadstat.read_dta(_build(trial_manager, "dta"))
    assert _row(plain, cohort["open"])["rs6"] != _row(plain, cohort["open"])["rs6"]


def test_spss_writes_each_reason_as_a_declared_labelled_user_missing_code(cohort, trial_manager):
    path = _build(trial_manager, "sav")
    frame, meta = pyreadstat.read_sav(path, user_missing=True)
    people = {key: _row(frame, p) for key, p in cohort.items()}
    assert (people["open"]["rs6"], people["no_quit_date"]["quit4w"]) == (-991, -992)
    assert (people["missed"]["quit4w"], people["lost"]["pp7_month3"]) == (-993, -993)
    assert (people["withdrawn"]["quit4w"], people["died"]["pp7_month3"]) == (-994, -995)
    assert people["untraceable"]["rs6"] == -996
    assert (people["open"]["co4_window"], people["open"]["check4_day"]) == (4, 30)
    for name in ("rs6", "quit4w", "co_month6", "phq9_month3", "cigs14_month6"):
        assert meta.missing_ranges[name] == [{"lo": -996.0, "hi": -991.0}]
        assert _labels_start(meta.variable_value_labels[name], SPSS)
    assert meta.variable_value_labels["rs6"][0] == "No"
    assert "co_baseline" not in meta.missing_ranges and "trial_id" not in meta.missing_ranges
    # SPSS (and pyreadstat by default) treats every code as missing.
    plain, _meta = pyreadstat.read_sav(path)
    assert _row(plain, cohort["died"])["pp7_month3"] != _row(plain, cohort["died"])["pp7_month3"]
    assert _row(plain, cohort["open"])["co4_window"] == 4


def test_status_columns_label_every_reason_in_stata_and_spss(cohort, trial_manager):
    for path, reader in ((_build(trial_manager, "dta"), pyreadstat.read_dta),
                         (_build(trial_manager, "sav"), pyreadstat.read_sav)):  # fmt: skip
        frame, meta = reader(path)
        labels = meta.variable_value_labels["status_month3"]
        died = _row(frame, cohort["died"])["status_month3"]
        assert labels[died] == "Died before it"
        assert labels[_row(frame, cohort["open"])["status_month6"]].startswith("Not yet due")
        assert "Window open" not in labels.values()


def test_dictionary_documents_the_status_columns_and_every_missing_value_code(trial_manager):
    job = export_jobs.request_export(
        by=trial_manager, dataset="dictionary", file_format="csv", filters={}
    )
    with open(export_jobs.build_export(job.id).file_path, encoding="utf-8") as handle:
        rows = {(r["dataset"], r["variable"]): r for r in csv.DictReader(handle)}
    rs6 = rows[("wide", "rs6")]
    assert rs6["status_variable"] == "status_month6"
    for code, start in zip(STATA, SPSS.items(), strict=True):
        assert f".{code} / {start[0]} = {start[1]}" in rs6["missing_values"]
    status = rows[("wide", "status_week4")]
    for label in ("Completed", "Not yet due", "Not applicable", "Missed", "Lost to follow-up"):
        assert label in status["value_labels"]
    assert "Withdrawn" in status["value_labels"] and "Died" in status["value_labels"]
    baseline = rows[("wide", "co_baseline")]
    assert (baseline["status_variable"], baseline["missing_values"]) == ("", "")
    tied = {v.name for v in WIDE if v.timepoint}
    assert tied >= {*WEEK4_COLUMNS, *MONTH3_COLUMNS, *MONTH6_COLUMNS}
    assert all(rows[("wide", name)]["missing_values"] for name in tied)


@pytest.mark.parametrize(
    ("file_format", "reader"), [("dta", pyreadstat.read_dta), ("sav", pyreadstat.read_sav)]
)
def test_a_date_or_string_column_tied_to_a_timepoint_is_left_empty(tmp_path, file_format, reader):
    # A column added later (say a reference quit date at 6 months) gets the same treatment.
    variables = [
        Variable("trial_id", "Trial ID", "string"),
        Variable("stop_on_month6", "Stop date, 6 months", "date", timepoint="month6"),
        Variable("note_month6", "Note, 6 months", "string", timepoint="month6"),
        Variable("stop_day_month6", "Stop day, 6 months", "integer", timepoint="month6"),
    ]
    rows = [
        ["BRS-0001", D(2025, 3, 20), "x", 38],
        ["BRS-0002", NOT_YET_DUE, NOT_YET_DUE, NOT_YET_DUE],
    ]
    path = tmp_path / f"extra.{file_format}"
    exports._write_labelled(path, variables, iter(rows), file_format)
    frame, meta = reader(str(path), user_missing=True)
    done, due = frame.iloc[0], frame.iloc[1]
    assert (done["stop_on_month6"], done["note_month6"], done["stop_day_month6"]) == (
        D(2025, 3, 20),
        "x",
        38,
    )
    assert due["stop_on_month6"] != due["stop_on_month6"] and due["note_month6"] == ""
    assert due["stop_day_month6"] == ("a" if file_format == "dta" else -991)
