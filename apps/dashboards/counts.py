"""The counting queries behind a metric snapshot: SQL aggregates, one row per breakdown cell.

Each function returns {"columns": [...], "rows": [[...], ...]}: the first columns are the
breakdown keys (site id, arm, month ...), the rest are counts (or sums) that add up across
cells, so a page can filter by site, arm and month by summing rows of the snapshot.
"""

from datetime import date, timedelta

from django.db import connection

from apps.accounts.models import SiteMembership, User
from apps.cessation.models import CessationSession
from apps.cessation.protocol import SessionType, expected_bcts
from apps.core.roles import Role
from apps.dashboards import rules_sql
from apps.outcomes import scoring
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.patients.models import (
    Allocation,
    Baseline,
    DeclineReason,
    ExclusionReason,
    ExitReason,
    Participant,
    ScreeningRecord,
)
from apps.practitioners.models import PractitionerProfile
from apps.reminders.models import FollowUp
from apps.sites.models import Site

TIMEPOINTS = ("week4", "month3", "month6")
SHORT = {"week4": "w4", "month3": "m3", "month6": "m6"}
MEASURE_TIMEPOINTS = ("baseline", "week4", "month3", "month6")
# Which measures each timepoint expects (project decision, docs/metrics.md).
EXPECTED_MEASURES: dict[str, tuple[str, ...]] = {
    "baseline": ("phq9", "gad7", "smoking", "co"),
    "week4": ("smoking", "co"),
    "month3": ("phq9", "gad7", "smoking", "co"),
    "month6": ("phq9", "gad7", "smoking", "co"),
}
SESSION_TYPES = tuple(SessionType.values)
WORKLOAD_WEEKS = 12


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _run(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _table(keys: list[str], counters: list[tuple[str, str]], sql_body: str, params) -> dict:
    """Run `SELECT keys, SUM(...) ... GROUP BY keys` and return columns + rows."""
    select = ",\n  ".join(f"({expr})::bigint AS {name}" for name, expr in counters)
    group = ", ".join(str(i) for i in range(1, len(keys) + 1))
    sql = f"{sql_body}\nSELECT {', '.join(keys)},\n  {select}\nFROM cell GROUP BY {group}"
    rows = _run(sql, params)
    return {
        "columns": keys + [name for name, _ in counters],
        "rows": [[*row[: len(keys)], *(int(v or 0) for v in row[len(keys) :])] for row in rows],
    }


def _count(condition: str) -> str:
    return f"COUNT(*) FILTER (WHERE {condition})"


def _sum(expr: str, condition: str = "TRUE") -> str:
    return f"COALESCE(SUM({expr}) FILTER (WHERE {condition}), 0)"


# --------------------------------------------------------------------------------------------
# Sites, screening
# --------------------------------------------------------------------------------------------


def site_rows() -> list[dict]:
    """Every site with its recruitment target and window."""
    return [
        {
            "id": site.id,
            "code": site.code,
            "name": site.name,
            "target": site.recruitment_target,
            "opens_on": site.recruitment_opens_on.isoformat(),
            "closes_on": site.recruitment_closes_on.isoformat(),
        }
        for site in Site.objects.order_by("code")
    ]


def screening_counts() -> dict:
    """Screening log per site and screening month: outcomes, reasons, consent, randomisation."""
    body = f"""
WITH cell AS (
  SELECT s.site_id, to_char(s.screened_on, 'YYYY-MM') AS month, s.outcome,
         s.exclusion_reason, s.decline_reason,
         pt.status, pt.consented_on, pt.randomised_on, pt.exit_reason
  FROM {_t(ScreeningRecord)} s
  LEFT JOIN {_t(Participant)} pt ON pt.screening_id = s.id
)"""
    counters = [
        ("screened", "COUNT(*)"),
        ("eligible_and_declined", _count("outcome IN ('eligible', 'declined')")),
        ("declined", _count("outcome = 'declined'")),
        ("not_eligible", _count("outcome = 'not_eligible'")),
        ("consented", _count("consented_on IS NOT NULL")),
        ("randomised", _count("randomised_on IS NOT NULL")),
        ("awaiting_consent", _count("status = 'screened'")),
        ("withdrew_before_consent", _count("consented_on IS NULL AND status = 'withdrawn'")),
        ("consented_not_randomised", _count("consented_on IS NOT NULL AND randomised_on IS NULL")),
    ]
    counters += [
        (f"excl_{r}", _count(f"outcome = 'not_eligible' AND exclusion_reason = '{r}'"))
        for r in ExclusionReason.values
    ]
    counters += [
        (f"decl_{r}", _count(f"outcome = 'declined' AND decline_reason = '{r}'"))
        for r in DeclineReason.values
    ]
    return _table(["site_id", "month"], counters, body, {})


# --------------------------------------------------------------------------------------------
# Participants: retention, CONSORT, outcomes, completeness
# --------------------------------------------------------------------------------------------


def _closes(tp: str) -> str:
    """SQL date the timepoint's window closes: its follow-up's, else computed by the same rule."""
    if tp == "week4":
        fallback = f"p.quit_date + {scoring.FOUR_WEEK_LAST_DAY}"
    else:
        months = int(tp.removeprefix("month"))
        fallback = f"(p.randomised_on + interval '{months} months' + interval '28 days')::date"
    return f"COALESCE(fu.{SHORT[tp]}_closes, {fallback})"


def _withdrew_by_close(k: str) -> str:
    """SQL: withdrawn by the timepoint's window close (`k` its short name). Withdrawal stops
    data collection from then on; someone who withdrew later was still in the study there."""
    return f"status = 'withdrawn' AND NOT COALESCE(exit_on > {k}_closes, FALSE)"


def _reached(tp: str) -> str:
    guard = "p.quit_date IS NOT NULL AND " if tp == "week4" else ""
    return f"{guard}(fu.{SHORT[tp]}_status = 'completed' OR {_closes(tp)} < %(today)s)"


def participant_counts(*, today: date, time_zone: str) -> dict:
    """Randomised (or enrolled) participants per site, arm and month of randomisation."""
    fu_cols = ",\n    ".join(
        f"MAX(status) FILTER (WHERE timepoint = '{tp}') AS {SHORT[tp]}_status,\n"
        f"    MAX(closes_on) FILTER (WHERE timepoint = '{tp}') AS {SHORT[tp]}_closes"
        for tp in TIMEPOINTS
    )

    def presence(alias: str) -> str:
        return ", ".join(
            f"bool_or(timepoint = '{tp}') AS {alias}_{tp}" for tp in MEASURE_TIMEPOINTS
        )

    local_day = "(c.taken_at AT TIME ZONE %(tz)s)::date"
    rs6 = rules_sql.sustained_abstinence(
        "r6.cigarettes_since_day_14", "c6.ppm", smoke_free_since_day_14="r6.smoke_free_since_day_14"
    )
    body = f"""
WITH p AS (
  SELECT pt.id, pt.site_id, COALESCE(a.arm, 'single') AS arm,
         to_char(pt.randomised_on, 'YYYY-MM') AS month, pt.status, pt.randomised_on,
         pt.quit_date, pt.exit_on, pt.exit_reason
  FROM {_t(Participant)} pt
  LEFT JOIN {_t(Allocation)} a ON a.participant_id = pt.id
  WHERE pt.randomised_on IS NOT NULL
),
sess AS (
  SELECT participant_id,
    COUNT(*) FILTER (WHERE attendance = 'attended') AS attended,
    COUNT(*) FILTER (WHERE attendance = 'dna') AS dna,
    COUNT(*) AS offered
  FROM {_t(CessationSession)} GROUP BY participant_id
),
fu AS (
  SELECT participant_id,
    {fu_cols}
  FROM {_t(FollowUp)} GROUP BY participant_id
),
rep AS (
  SELECT DISTINCT ON (participant_id, timepoint) participant_id, timepoint,
    smoked_last_7_days, smoke_free_since_day_14, cigarettes_since_day_14
  FROM {_t(SmokingStatusReport)} WHERE timepoint IN ('month3', 'month6')
  ORDER BY participant_id, timepoint, completed_on DESC, id DESC
),
rep4 AS (
  SELECT DISTINCT ON (r.participant_id) r.participant_id,
    r.completed_on - p.quit_date AS days, r.smoke_free_since_day_14
  FROM {_t(SmokingStatusReport)} r JOIN p ON p.id = r.participant_id
  WHERE r.timepoint = 'week4' AND p.quit_date IS NOT NULL
  ORDER BY r.participant_id,
    (r.completed_on - p.quit_date BETWEEN {scoring.FOUR_WEEK_FIRST_DAY}
      AND {scoring.FOUR_WEEK_LAST_DAY}) DESC,
    r.completed_on DESC, r.id DESC
),
co AS (
  SELECT DISTINCT ON (participant_id, timepoint) participant_id, timepoint, ppm
  FROM {_t(COReading)} WHERE timepoint IN ('month3', 'month6')
  ORDER BY participant_id, timepoint, taken_at DESC, id DESC
),
co4 AS (
  SELECT DISTINCT ON (c.participant_id) c.participant_id, c.ppm
  FROM {_t(COReading)} c JOIN p ON p.id = c.participant_id
  WHERE p.quit_date IS NOT NULL
    AND {local_day} BETWEEN p.quit_date + {scoring.FOUR_WEEK_FIRST_DAY}
      AND p.quit_date + {scoring.FOUR_WEEK_LAST_DAY}
  ORDER BY c.participant_id, c.taken_at DESC, c.id DESC
),
smk AS (
  SELECT participant_id,
    {rules_sql.quit_attempt("timepoint", "quit_attempt_since_last_contact")} AS attempt,
    {presence("smoking")}
  FROM {_t(SmokingStatusReport)} GROUP BY participant_id
),
coall AS (
  SELECT participant_id, {presence("co")} FROM {_t(COReading)} GROUP BY participant_id
),
phq AS (
  SELECT participant_id, COUNT(*) AS n,
    (array_agg(total ORDER BY completed_on, id))[1] AS first,
    (array_agg(total ORDER BY completed_on DESC, id DESC))[1] AS last,
    {presence("phq9")}
  FROM {_t(PHQ9Response)} GROUP BY participant_id
),
gad AS (
  SELECT participant_id, COUNT(*) AS n,
    (array_agg(total ORDER BY completed_on, id))[1] AS first,
    (array_agg(total ORDER BY completed_on DESC, id DESC))[1] AS last,
    {presence("gad7")}
  FROM {_t(GAD7Response)} GROUP BY participant_id
),
{rules_sql.PAIRED_SCORES_CTES},
cell AS (
  SELECT p.site_id, p.arm, p.month, p.status, p.exit_on, p.exit_reason,
    p.quit_date IS NOT NULL AS has_quit_date,
    COALESCE(sess.attended, 0) AS attended, COALESCE(sess.dna, 0) AS dna,
    COALESCE(sess.offered, 0) AS offered,
    {_reached("week4")} AS w4_reached, fu.w4_status = 'completed' AS w4_done,
    {_reached("month3")} AS m3_reached, fu.m3_status = 'completed' AS m3_done,
    {_reached("month6")} AS m6_reached, fu.m6_status = 'completed' AS m6_done,
    {_closes("week4")} AS w4_closes, {_closes("month3")} AS m3_closes,
    {_closes("month6")} AS m6_closes,
    {rules_sql.four_week_outcome("rep4.days", "rep4.smoke_free_since_day_14", "co4.ppm")}
      AS q4,
    {rules_sql.point_prevalence("r3.smoked_last_7_days", "c3.ppm")} AS pp3,
    {rules_sql.point_prevalence("r6.smoked_last_7_days", "c6.ppm")} AS pp6,
    {rs6} AS rs6,
    COALESCE(smk.attempt, FALSE) AS attempt,
    CASE WHEN phq.n >= 2 THEN phq.last - phq.first END AS phq_change,
    CASE WHEN gad.n >= 2 THEN gad.last - gad.first END AS gad_change,
    COALESCE(pairs.n, 0) >= 2 AS two_pairs,
    {rules_sql.caseness("pairs.p1", "pairs.g1")} AS case_start,
    {rules_sql.recovered("pairs.p1", "pairs.g1", "pairs.pl", "pairs.gl")} AS recovered,
    {rules_sql.reliable_improvement("pairs.p1", "pairs.g1", "pairs.pl", "pairs.gl")} AS improved,
    {rules_sql.reliable_deterioration("pairs.p1", "pairs.g1", "pairs.pl", "pairs.gl")}
      AS deteriorated,
    {rules_sql.reliable_recovery("pairs.p1", "pairs.g1", "pairs.pl", "pairs.gl")}
      AS reliably_recovered,
    COALESCE(phq.phq9_baseline, FALSE) AS phq9_baseline,
    COALESCE(phq.phq9_week4, FALSE) AS phq9_week4,
    COALESCE(phq.phq9_month3, FALSE) AS phq9_month3,
    COALESCE(phq.phq9_month6, FALSE) AS phq9_month6,
    COALESCE(gad.gad7_baseline, FALSE) AS gad7_baseline,
    COALESCE(gad.gad7_week4, FALSE) AS gad7_week4,
    COALESCE(gad.gad7_month3, FALSE) AS gad7_month3,
    COALESCE(gad.gad7_month6, FALSE) AS gad7_month6,
    EXISTS (SELECT 1 FROM {_t(Baseline)} b WHERE b.participant_id = p.id) AS smoking_baseline,
    COALESCE(smk.smoking_week4, FALSE) AS smoking_week4,
    COALESCE(smk.smoking_month3, FALSE) AS smoking_month3,
    COALESCE(smk.smoking_month6, FALSE) AS smoking_month6,
    COALESCE(coall.co_baseline, FALSE) AS co_baseline,
    COALESCE(coall.co_week4, FALSE) AS co_week4,
    COALESCE(coall.co_month3, FALSE) AS co_month3,
    COALESCE(coall.co_month6, FALSE) AS co_month6
  FROM p
  LEFT JOIN sess ON sess.participant_id = p.id
  LEFT JOIN fu ON fu.participant_id = p.id
  LEFT JOIN rep4 ON rep4.participant_id = p.id
  LEFT JOIN co4 ON co4.participant_id = p.id
  LEFT JOIN rep r3 ON r3.participant_id = p.id AND r3.timepoint = 'month3'
  LEFT JOIN rep r6 ON r6.participant_id = p.id AND r6.timepoint = 'month6'
  LEFT JOIN co c3 ON c3.participant_id = p.id AND c3.timepoint = 'month3'
  LEFT JOIN co c6 ON c6.participant_id = p.id AND c6.timepoint = 'month6'
  LEFT JOIN smk ON smk.participant_id = p.id
  LEFT JOIN coall ON coall.participant_id = p.id
  LEFT JOIN phq ON phq.participant_id = p.id
  LEFT JOIN gad ON gad.participant_id = p.id
  LEFT JOIN pairs ON pairs.participant_id = p.id
)"""
    counters = [
        ("randomised", "COUNT(*)"),
        ("withdrawn", _count("status = 'withdrawn'")),
        ("lost", _count("status = 'lost'")),
        ("completed_trial", _count("status = 'completed'")),
        ("received", _count("attended > 0")),
        ("not_received_withdrew", _count("attended = 0 AND status = 'withdrawn'")),
        ("not_received_other", _count("attended = 0 AND status <> 'withdrawn'")),
        ("quit_date_set", _count("has_quit_date")),
        ("sessions_attended", _sum("attended")),
        ("sessions_dna", _sum("dna")),
        ("sessions_offered", _sum("offered")),
        ("with_sessions", _count("offered > 0")),
    ]
    for reason in ExitReason.values:
        counters.append(
            (f"withdrawn_{reason}", _count(f"status = 'withdrawn' AND exit_reason = '{reason}'"))
        )
        counters.append((f"lost_{reason}", _count(f"status = 'lost' AND exit_reason = '{reason}'")))
    for tp in TIMEPOINTS:
        k = SHORT[tp]
        not_done = f"{k}_reached AND NOT COALESCE({k}_done, FALSE)"
        withdrew = _withdrew_by_close(k)
        counters += [
            (f"{k}_due", _count(f"{k}_reached")),
            (f"{k}_done", _count(f"{k}_reached AND {k}_done")),
            (f"{k}_withdrew", _count(f"{not_done} AND {withdrew}")),
            (f"{k}_lost", _count(f"{not_done} AND status = 'lost'")),
            (
                f"{k}_missed",
                _count(f"{not_done} AND status <> 'lost' AND NOT ({withdrew})"),
            ),
            (f"{k}_pending", _count(f"NOT {k}_reached")),
        ]
        for reason in ExitReason.values:
            counters.append(
                (
                    f"{k}_withdrew_{reason}",
                    _count(f"{not_done} AND {withdrew} AND exit_reason = '{reason}'"),
                )
            )
            counters.append(
                (
                    f"{k}_lost_{reason}",
                    _count(f"{not_done} AND status = 'lost' AND exit_reason = '{reason}'"),
                )
            )
    quit = (scoring.QUIT_SELF_REPORT, scoring.QUIT_CO_VERIFIED)
    abstinent = (scoring.ABSTINENT_SELF_REPORT, scoring.ABSTINENT_CO_VERIFIED)
    counters += [
        ("q4_due", _count("w4_reached")),
        ("q4_self", _count(f"w4_reached AND q4 IN {quit}")),
        ("q4_co", _count(f"w4_reached AND q4 = '{scoring.QUIT_CO_VERIFIED}'")),
        ("q4_not_known", _count(f"w4_reached AND q4 = '{scoring.NOT_KNOWN}'")),
        ("no_quit_date", _count("NOT has_quit_date")),
        ("pp3_due", _count("m3_reached")),
        ("pp3_self", _count(f"m3_reached AND pp3 IN {abstinent}")),
        ("pp3_co", _count(f"m3_reached AND pp3 = '{scoring.ABSTINENT_CO_VERIFIED}'")),
        ("pp3_not_known", _count(f"m3_reached AND pp3 = '{scoring.NOT_KNOWN}'")),
        ("pp6_due", _count("m6_reached")),
        ("pp6_self", _count(f"m6_reached AND pp6 IN {abstinent}")),
        ("pp6_co", _count(f"m6_reached AND pp6 = '{scoring.ABSTINENT_CO_VERIFIED}'")),
        ("pp6_not_known", _count(f"m6_reached AND pp6 = '{scoring.NOT_KNOWN}'")),
        ("rs6_due", _count("m6_reached")),
        ("rs6_yes", _count("m6_reached AND rs6")),
        ("quit_attempt", _count("attempt")),
        ("phq_change_n", _count("phq_change IS NOT NULL")),
        ("phq_change_sum", _sum("phq_change")),
        ("phq_change_sumsq", _sum("phq_change * phq_change")),
        ("gad_change_n", _count("gad_change IS NOT NULL")),
        ("gad_change_sum", _sum("gad_change")),
        ("gad_change_sumsq", _sum("gad_change * gad_change")),
        ("tt_pairs", _count("two_pairs")),
        ("tt_caseness", _count("two_pairs AND case_start")),
        ("tt_recovered", _count("two_pairs AND recovered")),
        ("tt_improved", _count("two_pairs AND improved")),
        ("tt_deteriorated", _count("two_pairs AND deteriorated")),
        ("tt_reliably_recovered", _count("two_pairs AND reliably_recovered")),
    ]
    for tp in MEASURE_TIMEPOINTS:
        if tp == "baseline":
            expected = "TRUE"
        else:
            k = SHORT[tp]
            expected = (
                f"{k}_reached AND (COALESCE({k}_done, FALSE) OR NOT ({_withdrew_by_close(k)}))"
            )
        counters.append((f"exp_{tp}", _count(expected)))
        for measure in EXPECTED_MEASURES[tp]:
            counters.append((f"has_{measure}_{tp}", _count(f"({expected}) AND {measure}_{tp}")))
    return _table(["site_id", "arm", "month"], counters, body, {"today": today, "tz": time_zone})


# --------------------------------------------------------------------------------------------
# Sessions: adherence and fidelity per site, arm, month and practitioner
# --------------------------------------------------------------------------------------------


def session_counts(*, expected_overrides: dict | None) -> dict:
    """Sessions per site, arm, month of randomisation and practitioner, with BCT fidelity."""
    params: dict = {}
    values = []
    for i, session_type in enumerate(SESSION_TYPES):
        params[f"type{i}"] = session_type
        params[f"bcts{i}"] = list(expected_bcts(session_type, expected_overrides))
        values.append(f"(%(type{i})s, %(bcts{i})s::text[])")
    body = f"""
WITH expected(session_type, bcts) AS (VALUES {", ".join(values)}),
cell AS (
  SELECT pt.site_id, COALESCE(a.arm, 'single') AS arm,
    to_char(pt.randomised_on, 'YYYY-MM') AS month, s.practitioner_id,
    s.attendance, s.session_type, COALESCE(s.duration_minutes, 0) AS minutes,
    {rules_sql.bcts_expected("e.bcts")} AS n_expected,
    {rules_sql.bcts_delivered("s.bcts_delivered::text[]", "e.bcts")} AS n_delivered
  FROM {_t(CessationSession)} s
  JOIN {_t(Participant)} pt ON pt.id = s.participant_id
  LEFT JOIN {_t(Allocation)} a ON a.participant_id = pt.id
  LEFT JOIN expected e ON e.session_type = s.session_type
)"""
    attended = "attendance = 'attended'"
    counters = [
        ("offered", "COUNT(*)"),
        ("attended", _count(attended)),
        ("dna", _count("attendance = 'dna'")),
        ("cancelled", _count("attendance = 'cancelled'")),
        ("minutes", _sum("minutes", attended)),
    ]
    for session_type in SESSION_TYPES:
        of_type = f"{attended} AND session_type = '{session_type}'"
        counters += [
            (f"n_{session_type}", _count(of_type)),
            (f"exp_{session_type}", _sum("n_expected", of_type)),
            (f"del_{session_type}", _sum("n_delivered", of_type)),
        ]
    return _table(["site_id", "arm", "month", "practitioner_id"], counters, body, params)


# --------------------------------------------------------------------------------------------
# Safety alerts
# --------------------------------------------------------------------------------------------


def safety_counts(*, time_zone: str) -> dict:
    """Safety alerts per site, arm and month raised, with time-to-acknowledge sums."""
    body = f"""
WITH cell AS (
  SELECT pt.site_id,
    COALESCE(a.arm, CASE WHEN pt.randomised_on IS NULL THEN 'none' ELSE 'single' END) AS arm,
    to_char(sa.raised_at AT TIME ZONE %(tz)s, 'YYYY-MM') AS month,
    sa.acknowledged_at, EXTRACT(EPOCH FROM sa.time_to_acknowledge) AS seconds
  FROM {_t(SafetyAlert)} sa
  JOIN {_t(Participant)} pt ON pt.id = sa.participant_id
  LEFT JOIN {_t(Allocation)} a ON a.participant_id = pt.id
)"""
    acked = "acknowledged_at IS NOT NULL"
    counters = [
        ("raised", "COUNT(*)"),
        ("acknowledged", _count(acked)),
        ("open", _count("acknowledged_at IS NULL")),
        ("ack_seconds", f"ROUND({_sum('seconds', acked)})"),
        ("ack_within_1h", _count(f"{acked} AND seconds <= 3600")),
        ("ack_within_24h", _count(f"{acked} AND seconds <= 86400")),
    ]
    return _table(["site_id", "arm", "month"], counters, body, {"tz": time_zone})


# --------------------------------------------------------------------------------------------
# PWP workload
# --------------------------------------------------------------------------------------------


def workload(*, week_starts: list[date]) -> dict:
    """Attended-session minutes per practitioner, site and week, with their available hours.

    Minutes are kept per site (the participant's) so a page limited to some sites counts only
    the sessions held there.
    """
    first, last = week_starts[0], week_starts[-1]
    minutes = _run(
        f"""
SELECT s.practitioner_id, pt.site_id,
  (date_trunc('week', s.session_date)::date - %(first)s) / 7 AS week, SUM(s.duration_minutes)
FROM {_t(CessationSession)} s
JOIN {_t(Participant)} pt ON pt.id = s.participant_id
WHERE s.attendance = 'attended' AND s.session_date >= %(first)s AND s.session_date < %(end)s
GROUP BY 1, 2, 3""",
        {"first": first, "end": last + timedelta(days=7)},
    )
    people = _run(
        f"""
SELECT u.id, COALESCE(NULLIF(u.full_name, ''), u.email), COALESCE(pp.hours_per_week, 0),
  COALESCE(ARRAY(SELECT m.site_id FROM {_t(SiteMembership)} m WHERE m.user_id = u.id
                 ORDER BY m.site_id), '{{}}')
FROM {_t(User)} u
LEFT JOIN {_t(PractitionerProfile)} pp ON pp.user_id = u.id
WHERE u.role = %(pwp)s OR u.id IN (SELECT DISTINCT practitioner_id FROM {_t(CessationSession)})
ORDER BY 2""",
        {"pwp": Role.PWP},
    )
    by_person: dict[int, dict[int, list[int]]] = {}
    for practitioner_id, site_id, week, total in minutes:
        weeks = by_person.setdefault(practitioner_id, {})
        weeks.setdefault(site_id, [0] * len(week_starts))[int(week)] = int(total or 0)
    return {
        "weeks": [w.isoformat() for w in week_starts],
        "practitioners": [
            {
                "id": pid,
                "name": name,
                "hours_per_week": float(hours),
                "site_ids": list(site_ids),
                "minutes_by_site": sorted(by_person.get(pid, {}).items()),
            }
            for pid, name, hours, site_ids in people
        ],
    }
