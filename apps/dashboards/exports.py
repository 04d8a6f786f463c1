"""Pseudonymised analysis datasets for the statistician: wide, long and a data dictionary.

Rows stream from a server-side cursor; CSV goes straight to disk, Stata and SPSS files are
written by pyreadstat with variable and value labels. Only the trial ID identifies anyone:
no contact details, no names, no year of birth (age at randomisation instead).
"""

import csv
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from apps.core.errors import DomainError
from apps.dashboards import rules_sql
from apps.dashboards.models import ExportDataset, ExportFormat, ExportJob
from apps.outcomes import scoring
from apps.patients.models import ExitReason, Sex
from apps.patients.status import Status
from apps.reminders.models import FollowUpStatus
from apps.sites.selectors import sites_visible_to

ARMS = {"intervention": "Intervention", "control": "Control", "single": "Single arm (enrolled)"}
# The statuses a randomised (or enrolled) participant can have.
STATUSES = {
    status.value: status.label
    for status in (
        Status.RANDOMISED,
        Status.ENROLLED,
        Status.COMPLETED,
        Status.WITHDRAWN,
        Status.LOST,
    )
}
SEXES = dict(Sex.choices)
HSI_BANDS = {"low": "Low (0-1)", "medium": "Medium (2-4)", "high": "High (5-6)"}
EXIT_REASONS = dict(ExitReason.choices)
FOLLOW_UP_STATUSES = dict(FollowUpStatus.choices)
QUIT4 = {
    scoring.QUIT_CO_VERIFIED: "Quit, CO-verified",
    scoring.QUIT_SELF_REPORT: "Quit, self-report only",
    scoring.NOT_QUIT: "Not quit",
    scoring.NOT_KNOWN: "Not known / lost to follow-up",
}
PP7 = {
    scoring.ABSTINENT_CO_VERIFIED: "Abstinent, CO-verified",
    scoring.ABSTINENT_SELF_REPORT: "Abstinent, self-report only",
    scoring.SMOKING: "Smoking",
    scoring.NOT_KNOWN: "Not known",
}
INSTRUMENTS = {
    "phq9": "PHQ-9 total",
    "gad7": "GAD-7 total",
    "co": "Exhaled CO (ppm)",
    "smoking": "Cigarettes in the last 7 days",
}
TIMEPOINTS = {
    "baseline": "Baseline",
    "session": "Treatment session",
    "week4": "4-week quit check",
    "month3": "3-month follow-up",
    "month6": "6-month follow-up",
}
YES_NO = {1: "Yes", 0: "No"}
PHQ9_DIFFICULTY = dict(scoring.PHQ9_DIFFICULTY_CHOICES)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Variable:
    """One column of an export and its data-dictionary entry."""

    name: str
    label: str
    type: str  # string, integer, decimal, date, category, boolean
    units: str = ""
    values: dict | None = None
    allowed: str = ""


def _v(name, label, type_, units="", values=None, allowed=""):
    return Variable(name, label, type_, units, values, allowed)


MEASURE_TIMEPOINTS = ("baseline", "week4", "month3", "month6")

WIDE: list[Variable] = [
    _v("trial_id", "Trial ID (pseudonym)", "string"),
    _v("site", "Site code", "string"),
    _v("arm", "Allocated arm", "category", values=ARMS),
    _v("status", "Participant status at export", "category", values=STATUSES),
    _v("randomised_on", "Date randomised (enrolled)", "date"),
    _v("age", "Age at randomisation", "integer", "years", allowed="18-120"),
    _v("sex", "Sex", "category", values=SEXES),
    _v("cigs_per_day", "Cigarettes per day at baseline", "integer", "cigarettes", allowed="1-100"),
    _v("mins_to_first", "Minutes to first cigarette after waking", "integer", "minutes"),
    _v("hsi", "Heaviness of Smoking Index", "integer", allowed="0-6"),
    _v("hsi_band", "HSI band", "category", values=HSI_BANDS),
    _v("quit_date_set", "Quit date set", "boolean", values=YES_NO),
    _v("quit_day", "Quit date, days after randomisation", "integer", "days"),
    _v("exit_reason", "Reason for withdrawal or loss", "category", values=EXIT_REASONS),
    _v("exit_day", "Withdrawal or loss, days after randomisation", "integer", "days"),
    _v("sess_offered", "Cessation sessions offered", "integer", "sessions"),
    _v("sess_attended", "Cessation sessions attended", "integer", "sessions"),
    _v("sess_dna", "Cessation sessions not attended (DNA)", "integer", "sessions"),
    _v("fidelity", "Expected BCTs delivered in attended sessions", "decimal", "%", allowed="0-100"),
    *[
        _v(f"fu_{tp}", f"Follow-up status, {TIMEPOINTS[tp]}", "category", values=FOLLOW_UP_STATUSES)
        for tp in ("week4", "month3", "month6")
    ],
]
for _tp in MEASURE_TIMEPOINTS:
    _label = TIMEPOINTS[_tp]
    if _tp != "week4":
        WIDE += [
            _v(f"phq9_{_tp}", f"PHQ-9 total, {_label}", "integer", "points", allowed="0-27"),
            _v(
                f"phq9_difficulty_{_tp}",
                f"PHQ-9 difficulty (not scored), {_label}",
                "integer",
                values=PHQ9_DIFFICULTY,
                allowed="0-3",
            ),
            _v(f"gad7_{_tp}", f"GAD-7 total, {_label}", "integer", "points", allowed="0-21"),
        ]
    WIDE.append(_v(f"co_{_tp}", f"Exhaled CO, {_label}", "integer", "ppm", allowed="0-100"))
    if _tp != "baseline":
        WIDE += [
            _v(f"smoked7d_{_tp}", f"Smoked in the last 7 days, {_label}", "boolean", values=YES_NO),
            _v(
                f"cigs7d_{_tp}", f"Cigarettes in the last 7 days, {_label}", "integer", "cigarettes"
            ),
        ]
WIDE += [
    _v(
        "smokefree14_week4",
        "Not a puff since day 14 after quit date, 4 weeks",
        "boolean",
        values=YES_NO,
    ),
    _v("check4_day", "4-week check, days after the quit date", "integer", "days"),
    _v("co4_window", "CO in the 4-week window (days 25-42)", "integer", "ppm", allowed="0-100"),
    _v(
        "smokefree14_month6",
        "Not a puff since day 14 after quit date, 6 months",
        "boolean",
        values=YES_NO,
    ),
    _v(
        "cigs14_month6",
        "Cigarettes since day 14 after quit date, 6 months",
        "integer",
        "cigarettes",
    ),
    _v(
        "quit_attempt",
        "Reported a quit attempt of 24 hours or more after baseline",
        "boolean",
        values=YES_NO,
    ),
    _v("quit4w", "4-week quit outcome (Russell Standard)", "category", values=QUIT4),
    _v("pp7_month3", "7-day point prevalence, 3 months", "category", values=PP7),
    _v("pp7_month6", "7-day point prevalence, 6 months", "category", values=PP7),
    _v("rs6", "Sustained abstinence at 6 months (RS6)", "boolean", values=YES_NO),
    _v("phq9_change", "PHQ-9 change, first to last", "integer", "points"),
    _v("gad7_change", "GAD-7 change, first to last", "integer", "points"),
    _v("tt_pairs", "Paired PHQ-9/GAD-7 contacts", "integer", "pairs"),
    _v("tt_caseness", "Caseness at the first pair", "boolean", values=YES_NO),
    _v("tt_recovered", "Talking Therapies recovery", "boolean", values=YES_NO),
    _v("tt_improved", "Reliable improvement", "boolean", values=YES_NO),
    _v("tt_deteriorated", "Reliable deterioration", "boolean", values=YES_NO),
    _v("tt_reliable_recovery", "Reliable recovery", "boolean", values=YES_NO),
]

LONG: list[Variable] = [
    _v("trial_id", "Trial ID (pseudonym)", "string"),
    _v("site", "Site code", "string"),
    _v("arm", "Allocated arm", "category", values=ARMS),
    _v("instrument", "Measure", "category", values=INSTRUMENTS),
    _v("timepoint", "Timepoint", "category", values=TIMEPOINTS),
    _v("day", "Days after randomisation", "integer", "days"),
    _v("value", "Value (PHQ-9/GAD-7 total, CO ppm, cigarettes in 7 days)", "integer"),
    _v("smoked7d", "Smoked in the last 7 days (smoking reports)", "boolean", values=YES_NO),
    _v("band", "Severity or CO band", "string"),
    _v(
        "phq9_difficulty",
        "PHQ-9 difficulty, not scored (PHQ-9 rows)",
        "integer",
        values=PHQ9_DIFFICULTY,
        allowed="0-3",
    ),
]

DICTIONARY: list[Variable] = [
    _v("dataset", "Dataset", "string"),
    _v("variable", "Variable name", "string"),
    _v("label", "Label", "string"),
    _v("type", "Type", "string"),
    _v("units", "Units", "string"),
    _v("allowed", "Allowed values", "string"),
    _v("value_labels", "Value labels (code = label)", "string"),
]


def clean_filters(filters: dict, *, user) -> dict:
    """Validated export filters: a site code the user can see and/or an arm."""
    site = str(filters.get("site") or "").strip().upper()
    arm = str(filters.get("arm") or "").strip()
    unknown = set(filters) - {"site", "arm"}
    if unknown:
        raise DomainError(f"Unknown filter: {sorted(unknown)[0]}.", field="filters")
    if site and not sites_visible_to(user).filter(code=site).exists():
        raise DomainError("Choose a site you can see.", field="site")
    if arm and arm not in ARMS:
        raise DomainError(f"Choose an arm: {', '.join(ARMS)}.", field="arm")
    return {key: value for key, value in (("site", site), ("arm", arm)) if value}


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


# --------------------------------------------------------------------------------------------
# Row sources
# --------------------------------------------------------------------------------------------


def _where(filters: dict) -> tuple[str, dict]:
    clauses, params = ["pt.randomised_on IS NOT NULL"], {}
    if filters.get("site"):
        clauses.append("s.code = %(site)s")
        params["site"] = filters["site"]
    if filters.get("arm"):
        clauses.append("COALESCE(a.arm, 'single') = %(arm)s")
        params["arm"] = filters["arm"]
    return " AND ".join(clauses), params


def _per_timepoint(table: str, columns: dict[str, str]) -> str:
    """Per participant, each column (-> alias) of the latest record at each timepoint."""
    cols = ", ".join(
        f"(array_agg({column} ORDER BY completed_on DESC, id DESC) "
        f"FILTER (WHERE timepoint = '{tp}'))[1] AS {alias}_{tp}"
        for column, alias in columns.items()
        for tp in MEASURE_TIMEPOINTS
    )
    return f"SELECT participant_id, {cols} FROM {table} GROUP BY participant_id"


PHQ9_COLUMNS = {"total": "phq9", "difficulty": "phq9_difficulty"}


def wide_sql(filters: dict) -> tuple[str, dict]:
    """One row per randomised participant with every input the derived outcomes need."""
    where, params = _where(filters)
    co_cols = ", ".join(
        f"(array_agg(ppm ORDER BY taken_at DESC, id DESC) FILTER (WHERE timepoint = '{tp}'))[1]"
        f" AS co_{tp}"
        for tp in MEASURE_TIMEPOINTS
    )
    smk_cols = ", ".join(
        f"(array_agg(smoked_last_7_days ORDER BY completed_on DESC, id DESC)"
        f" FILTER (WHERE timepoint = '{tp}'))[1] AS smoked7d_{tp}, "
        f"(array_agg(cigarettes_last_7_days ORDER BY completed_on DESC, id DESC)"
        f" FILTER (WHERE timepoint = '{tp}'))[1] AS cigs7d_{tp}"
        for tp in ("week4", "month3", "month6")
    )
    sql = f"""
WITH p AS (
  SELECT pt.id, pt.trial_id, s.code AS site, COALESCE(a.arm, 'single') AS arm, pt.status,
    pt.randomised_on, pt.quit_date, pt.exit_on, pt.exit_reason
  FROM patients_participant pt
  JOIN trial_sites_site s ON s.id = pt.site_id
  LEFT JOIN patients_allocation a ON a.participant_id = pt.id
  WHERE {where}
),
sess AS (
  SELECT participant_id, COUNT(*) AS offered,
    COUNT(*) FILTER (WHERE attendance = 'attended') AS attended,
    COUNT(*) FILTER (WHERE attendance = 'dna') AS dna
  FROM cessation_cessationsession WHERE participant_id IN (SELECT id FROM p)
  GROUP BY participant_id
),
fu AS (
  SELECT participant_id,
    MAX(status) FILTER (WHERE timepoint = 'week4') AS fu_week4,
    MAX(status) FILTER (WHERE timepoint = 'month3') AS fu_month3,
    MAX(status) FILTER (WHERE timepoint = 'month6') AS fu_month6
  FROM reminders_followup GROUP BY participant_id
),
phq AS ({_per_timepoint("outcomes_phq9response", PHQ9_COLUMNS)}),
gad AS ({_per_timepoint("outcomes_gad7response", {"total": "gad7"})}),
phq_fl AS (
  SELECT participant_id, COUNT(*) AS n,
    (array_agg(total ORDER BY completed_on, id))[1] AS first,
    (array_agg(total ORDER BY completed_on DESC, id DESC))[1] AS last
  FROM outcomes_phq9response GROUP BY participant_id
),
gad_fl AS (
  SELECT participant_id, COUNT(*) AS n,
    (array_agg(total ORDER BY completed_on, id))[1] AS first,
    (array_agg(total ORDER BY completed_on DESC, id DESC))[1] AS last
  FROM outcomes_gad7response GROUP BY participant_id
),
co AS (SELECT participant_id, {co_cols} FROM outcomes_coreading GROUP BY participant_id),
smk AS (
  SELECT participant_id, {smk_cols},
    {rules_sql.quit_attempt("timepoint", "quit_attempt_since_last_contact")} AS quit_attempt,
    (array_agg(smoke_free_since_day_14 ORDER BY completed_on DESC, id DESC)
      FILTER (WHERE timepoint = 'month6'))[1] AS smokefree14_month6,
    (array_agg(cigarettes_since_day_14 ORDER BY completed_on DESC, id DESC)
      FILTER (WHERE timepoint = 'month6'))[1] AS cigs14_month6
  FROM outcomes_smokingstatusreport GROUP BY participant_id
),
rep4 AS (
  SELECT DISTINCT ON (r.participant_id) r.participant_id, r.completed_on,
    r.smoke_free_since_day_14
  FROM outcomes_smokingstatusreport r JOIN p ON p.id = r.participant_id
  WHERE r.timepoint = 'week4' AND p.quit_date IS NOT NULL
  ORDER BY r.participant_id,
    (r.completed_on - p.quit_date BETWEEN {scoring.FOUR_WEEK_FIRST_DAY}
      AND {scoring.FOUR_WEEK_LAST_DAY}) DESC, r.completed_on DESC, r.id DESC
),
co4 AS (
  SELECT DISTINCT ON (c.participant_id) c.participant_id, c.ppm
  FROM outcomes_coreading c JOIN p ON p.id = c.participant_id
  WHERE p.quit_date IS NOT NULL
    AND (c.taken_at AT TIME ZONE %(tz)s)::date
      BETWEEN p.quit_date + {scoring.FOUR_WEEK_FIRST_DAY}
      AND p.quit_date + {scoring.FOUR_WEEK_LAST_DAY}
  ORDER BY c.participant_id, c.taken_at DESC, c.id DESC
),
{rules_sql.PAIRED_SCORES_CTES}
SELECT p.trial_id, p.site, p.arm, p.status, p.randomised_on, p.quit_date, p.exit_on,
  p.exit_reason, b.year_of_birth, b.sex, b.cigarettes_per_day, b.minutes_to_first_cigarette,
  b.hsi_score, b.hsi_band, sess.offered, sess.attended, sess.dna,
  fu.fu_week4, fu.fu_month3, fu.fu_month6,
  phq.phq9_baseline, gad.gad7_baseline, phq.phq9_month3, gad.gad7_month3,
  phq.phq9_month6, gad.gad7_month6,
  co.co_baseline, co.co_week4, co.co_month3, co.co_month6,
  smk.smoked7d_week4, smk.cigs7d_week4, smk.smoked7d_month3, smk.cigs7d_month3,
  smk.smoked7d_month6, smk.cigs7d_month6, smk.quit_attempt, smk.smokefree14_month6,
  smk.cigs14_month6,
  rep4.completed_on AS check4_on, rep4.smoke_free_since_day_14, co4.ppm AS co4,
  phq_fl.n AS phq_n, phq_fl.first AS phq_first, phq_fl.last AS phq_last,
  gad_fl.n AS gad_n, gad_fl.first AS gad_first, gad_fl.last AS gad_last,
  pairs.n AS pairs_n, pairs.p1, pairs.g1, pairs.pl, pairs.gl,
  phq.phq9_difficulty_baseline, phq.phq9_difficulty_month3, phq.phq9_difficulty_month6,
  p.id AS participant_pk
FROM p
LEFT JOIN patients_baseline b ON b.participant_id = p.id
LEFT JOIN sess ON sess.participant_id = p.id
LEFT JOIN fu ON fu.participant_id = p.id
LEFT JOIN phq ON phq.participant_id = p.id
LEFT JOIN gad ON gad.participant_id = p.id
LEFT JOIN phq_fl ON phq_fl.participant_id = p.id
LEFT JOIN gad_fl ON gad_fl.participant_id = p.id
LEFT JOIN co ON co.participant_id = p.id
LEFT JOIN smk ON smk.participant_id = p.id
LEFT JOIN rep4 ON rep4.participant_id = p.id
LEFT JOIN co4 ON co4.participant_id = p.id
LEFT JOIN pairs ON pairs.participant_id = p.id
ORDER BY p.trial_id"""
    params["tz"] = settings.TIME_ZONE
    return sql, params


def fidelity_sql(filters: dict) -> tuple[str, dict]:
    """Per participant: expected BCTs delivered and expected, over attended sessions."""
    from apps.cessation.protocol import SessionType, expected_bcts
    from apps.sites.selectors import get_pilot

    where, params = _where(filters)
    overrides = get_pilot().expected_bcts or None
    values = []
    for i, session_type in enumerate(SessionType.values):
        params[f"type{i}"] = session_type
        params[f"bcts{i}"] = list(expected_bcts(session_type, overrides))
        values.append(f"(%(type{i})s, %(bcts{i})s::text[])")
    sql = f"""
WITH expected(session_type, bcts) AS (VALUES {", ".join(values)})
SELECT pt.trial_id,
  SUM({rules_sql.bcts_delivered("cs.bcts_delivered::text[]", "e.bcts")}),
  SUM({rules_sql.bcts_expected("e.bcts")})
FROM cessation_cessationsession cs
JOIN patients_participant pt ON pt.id = cs.participant_id
JOIN trial_sites_site s ON s.id = pt.site_id
LEFT JOIN patients_allocation a ON a.participant_id = pt.id
LEFT JOIN expected e ON e.session_type = cs.session_type
WHERE cs.attendance = 'attended' AND {where}
GROUP BY pt.trial_id"""
    return sql, params


def long_sql(filters: dict) -> tuple[str, dict]:
    """One row per recorded measure of a randomised participant."""
    where, params = _where(filters)
    sql = f"""
WITH p AS (
  SELECT pt.id, pt.trial_id, s.code AS site, COALESCE(a.arm, 'single') AS arm, pt.randomised_on
  FROM patients_participant pt
  JOIN trial_sites_site s ON s.id = pt.site_id
  LEFT JOIN patients_allocation a ON a.participant_id = pt.id
  WHERE {where}
),
m AS (
  SELECT participant_id, 'phq9' AS instrument, timepoint, completed_on AS day, total AS value,
    NULL::boolean AS smoked, severity AS band, difficulty, id FROM outcomes_phq9response
  UNION ALL
  SELECT participant_id, 'gad7', timepoint, completed_on, total, NULL, severity, NULL, id
  FROM outcomes_gad7response
  UNION ALL
  SELECT participant_id, 'co', timepoint, (taken_at AT TIME ZONE %(tz)s)::date, ppm, NULL,
    CASE WHEN ppm >= {scoring.CO_SMOKER_FROM_PPM} THEN '{scoring.CO_SMOKER}'
         WHEN ppm >= {scoring.CO_BORDERLINE_FROM_PPM} THEN '{scoring.CO_BORDERLINE}'
         ELSE '{scoring.CO_NON_SMOKER}' END, NULL, id
  FROM outcomes_coreading
  UNION ALL
  SELECT participant_id, 'smoking', timepoint, completed_on, cigarettes_last_7_days,
    smoked_last_7_days, '', NULL, id FROM outcomes_smokingstatusreport
)
SELECT p.trial_id, p.site, p.arm, m.instrument, m.timepoint, m.day - p.randomised_on,
  m.value, CASE WHEN m.smoked IS NULL THEN NULL WHEN m.smoked THEN 1 ELSE 0 END, m.band,
  m.difficulty
FROM m JOIN p ON p.id = m.participant_id
ORDER BY p.trial_id, m.day, m.instrument, m.id"""
    params["tz"] = settings.TIME_ZONE
    return sql, params


def _stream(sql: str, params: dict, name: str) -> Iterator[tuple]:
    """Rows from a server-side cursor, fetched in batches so memory stays flat."""
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name=name) as cursor:
            cursor.itersize = 2000
            cursor.execute(sql, params)
            yield from cursor


def _count(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS rows", params)
        return cursor.fetchone()[0]


def _days(later: date | None, earlier: date | None) -> int | None:
    return None if later is None or earlier is None else (later - earlier).days


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def wide_row(r: tuple, fidelity: dict[str, tuple[int, int]]) -> list:
    """One participant's wide row: inputs from SQL, derived outcomes from the pure scorers."""
    (trial_id, site, arm, status, randomised_on, quit_date, exit_on, exit_reason, yob, sex,
     cpd, mins, hsi, hsi_band, offered, attended, dna, fu4, fu3, fu6,
     phq_b, gad_b, phq_3, gad_3, phq_6, gad_6, co_b, co_4, co_3, co_6,
     sm4, c4, sm3, c3, sm6, c6, attempt, smoke_free14_6, cigs14_6, check4_on, smoke_free14, co4,
     phq_n, phq_first, phq_last, gad_n, gad_first, gad_last,
     pairs_n, p1, g1, pl, gl, phq_d_b, phq_d_3, phq_d_6, _pk) = r  # fmt: skip
    if quit_date is not None and check4_on is not None:
        quit4 = scoring.four_week_quit_outcome(quit_date, check4_on, smoke_free14, co4)
    else:
        quit4 = scoring.NOT_KNOWN
    tt = None
    if pairs_n and pairs_n >= 2:
        tt = scoring.talking_therapies_outcome(p1, g1, pl, gl)
    delivered, expected = fidelity.get(trial_id, (0, 0))
    values = {
        "trial_id": trial_id,
        "site": site,
        "arm": arm,
        "status": status,
        "randomised_on": randomised_on,
        "age": None if yob is None else randomised_on.year - yob,
        "sex": sex,
        "cigs_per_day": cpd,
        "mins_to_first": mins,
        "hsi": hsi,
        "hsi_band": hsi_band,
        "quit_date_set": int(quit_date is not None),
        "quit_day": _days(quit_date, randomised_on),
        "exit_reason": exit_reason or None,
        "exit_day": _days(exit_on, randomised_on),
        "sess_offered": offered or 0,
        "sess_attended": attended or 0,
        "sess_dna": dna or 0,
        "fidelity": round(100 * delivered / expected, 1) if expected else None,
        "fu_week4": fu4,
        "fu_month3": fu3,
        "fu_month6": fu6,
        "phq9_baseline": phq_b,
        "phq9_difficulty_baseline": phq_d_b,
        "gad7_baseline": gad_b,
        "co_baseline": co_b,
        "co_week4": co_4,
        "smoked7d_week4": _flag(sm4),
        "cigs7d_week4": c4,
        "phq9_month3": phq_3,
        "phq9_difficulty_month3": phq_d_3,
        "gad7_month3": gad_3,
        "co_month3": co_3,
        "smoked7d_month3": _flag(sm3),
        "cigs7d_month3": c3,
        "phq9_month6": phq_6,
        "phq9_difficulty_month6": phq_d_6,
        "gad7_month6": gad_6,
        "co_month6": co_6,
        "smoked7d_month6": _flag(sm6),
        "cigs7d_month6": c6,
        "smokefree14_week4": _flag(smoke_free14),
        "check4_day": _days(check4_on, quit_date),
        "co4_window": co4,
        "smokefree14_month6": _flag(smoke_free14_6),
        "cigs14_month6": cigs14_6,
        "quit_attempt": int(bool(attempt)),
        "quit4w": quit4,
        "pp7_month3": scoring.seven_day_point_prevalence(sm3, co_3),
        "pp7_month6": scoring.seven_day_point_prevalence(sm6, co_6),
        "rs6": int(
            scoring.sustained_abstinence_6m(cigs14_6, co_6, smoke_free_since_day_14=smoke_free14_6)
        ),
        "phq9_change": phq_last - phq_first if phq_n and phq_n >= 2 else None,
        "gad7_change": gad_last - gad_first if gad_n and gad_n >= 2 else None,
        "tt_pairs": pairs_n or 0,
        "tt_caseness": None if tt is None else int(tt.caseness_at_start),
        "tt_recovered": None if tt is None else int(tt.recovered),
        "tt_improved": None if tt is None else int(tt.reliable_improvement),
        "tt_deteriorated": None if tt is None else int(tt.reliable_deterioration),
        "tt_reliable_recovery": None if tt is None else int(tt.reliable_recovery),
    }
    return [values[v.name] for v in WIDE]


def dictionary_rows() -> list[list]:
    """The data dictionary: every variable of the wide and long datasets."""
    rows = []
    from apps.dashboards.adverse_event_export import ADVERSE_EVENTS

    for dataset, variables in (("wide", WIDE), ("long", LONG), ("adverse_events", ADVERSE_EVENTS)):
        for v in variables:
            labels = "; ".join(f"{code} = {label}" for code, label in (v.values or {}).items())
            rows.append([dataset, v.name, v.label, v.type, v.units, v.allowed, labels])
    return rows


def dataset_rows(
    dataset: str, filters: dict, progress: Callable[[int], None]
) -> tuple[list[Variable], Iterator[list], int]:
    """The variables, a row iterator and the row count of one dataset."""
    if dataset == ExportDataset.DICTIONARY:
        rows = dictionary_rows()
        return DICTIONARY, iter(rows), len(rows)
    if dataset == ExportDataset.WIDE:
        sql, params = wide_sql(filters)
        total = _count(sql, params)
        fsql, fparams = fidelity_sql(filters)
        with connection.cursor() as cursor:
            cursor.execute(fsql, fparams)
            fidelity = {t: (int(d or 0), int(e or 0)) for t, d, e in cursor.fetchall()}

        def wide() -> Iterator[list]:
            for i, row in enumerate(_stream(sql, params, "export_wide"), start=1):
                if i % PROGRESS_EVERY == 0:
                    progress(int(100 * i / max(total, 1)))
                yield wide_row(row, fidelity)

        return WIDE, wide(), total
    if dataset == ExportDataset.ADVERSE_EVENTS:
        from apps.dashboards.adverse_event_export import ADVERSE_EVENTS, adverse_event_sql

        sql, params = adverse_event_sql(filters, settings.TIME_ZONE)
        total = _count(sql, params)
        return ADVERSE_EVENTS, (list(row) for row in _stream(sql, params, "export_ae")), total
    sql, params = long_sql(filters)
    total = _count(sql, params)

    def long() -> Iterator[list]:
        for i, row in enumerate(_stream(sql, params, "export_long"), start=1):
            if i % PROGRESS_EVERY == 0:
                progress(int(100 * i / max(total, 1)))
            yield list(row)

    return LONG, long(), total


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def write_export(job: ExportJob, progress: Callable[[int], None]) -> tuple[Path, int]:
    """Write the job's file under EXPORT_ROOT; returns its path and the number of rows."""
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{job.public_id}-{job.dataset}.{job.file_format}"
    # Each attempt writes its own partial file: a build taken over from a stalled worker never
    # shares one with the worker it replaced.
    partial = path.with_suffix(f"{path.suffix}.{secrets.token_hex(4)}.part")
    variables, rows, _total = dataset_rows(job.dataset, job.filters or {}, progress)
    try:
        if job.file_format == ExportFormat.CSV:
            count = _write_csv(partial, variables, rows)
        else:
            count = _write_labelled(partial, variables, rows, job.file_format)
    except BaseException:
        partial.unlink(missing_ok=True)  # half a file of participant data is still data
        raise
    os.replace(partial, path)
    return path, count


def _write_csv(path: Path, variables: list[Variable], rows: Iterator[list]) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([v.name for v in variables])
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
    return count


def _codes(variable: Variable) -> dict[str, int]:
    return {code: i for i, code in enumerate(variable.values or {}, start=1)}


def _write_labelled(path: Path, variables: list[Variable], rows: Iterator[list], fmt: str) -> int:
    import pandas as pd
    import pyreadstat

    columns: dict[str, list] = {v.name: [] for v in variables}
    code_maps = {v.name: _codes(v) for v in variables if v.type == "category"}
    for row in rows:
        for v, value in zip(variables, row, strict=True):
            if v.name in code_maps:
                value = code_maps[v.name].get(value)
            columns[v.name].append(value)
    frame = pd.DataFrame(columns)
    for v in variables:
        if v.type in ("integer", "boolean", "category", "decimal"):
            frame[v.name] = pd.to_numeric(frame[v.name], errors="coerce").astype("float64")
        elif v.type == "date":
            frame[v.name] = pd.to_datetime(frame[v.name]).dt.date
        else:
            frame[v.name] = frame[v.name].fillna("").astype(str)
    labels = {v.name: v.label[:80] for v in variables}
    value_labels = {}
    for v in variables:
        if v.type == "category":
            value_labels[v.name] = {
                float(i): label[:80]
                for label, i in zip(v.values.values(), _codes(v).values(), strict=True)
            }
        elif v.values:
            # Booleans and coded integers (PHQ-9 difficulty 0-3) are labelled as stored.
            value_labels[v.name] = {float(k): label[:80] for k, label in v.values.items()}
    if fmt == ExportFormat.STATA:
        pyreadstat.write_dta(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            version=15,
        )
    else:
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
        )
    return len(frame)
