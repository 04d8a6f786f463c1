"""Plain counts of raw rows behind a metric snapshot (no participant-level rule): SQL aggregates.

Each function returns {"columns": [...], "rows": [[...], ...]}: the first columns are the
breakdown keys (site id, arm, month ...), the rest are counts (or sums) that add up across
cells, so a page can filter by site, arm and month by summing rows of the snapshot.
"""

from datetime import date, timedelta

from django.db import connection

from apps.accounts.models import SiteMembership, User
from apps.cessation.models import CessationSession
from apps.core.roles import Role
from apps.outcomes.models import (
    SafetyAlert,
)
from apps.patients.models import (
    Allocation,
    DeclineReason,
    ExclusionReason,
    Participant,
    ScreeningRecord,
)
from apps.practitioners.models import PractitionerProfile
from apps.sites.models import Site

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
