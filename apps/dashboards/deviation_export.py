"""The protocol deviation listing for the sponsor's file and the statistician.

One row per deviation, pseudonymised like the other exports: the trial ID, dates and coded
terms. The description and corrective action stay in QuitPilot (they can name people); the
deviation log page shows them to those who may see the participant.
"""

from collections.abc import Iterator

from django.conf import settings

from apps.conduct.models import ProtocolDeviation
from apps.dashboards.export_dictionary import DEVIATIONS, Variable
from apps.dashboards.sql_stream import listing
from apps.patients.models import Allocation, Participant
from apps.sites.models import Site

NOT_RANDOMISED = "none"
ARM = (
    f"COALESCE(a.arm, CASE WHEN pt.randomised_on IS NULL THEN '{NOT_RANDOMISED}' ELSE 'single' END)"
)


def _where(filters: dict) -> tuple[str, dict]:
    clauses, params = ["TRUE"], {}
    if filters.get("site"):
        clauses.append("s.code = %(site)s")
        params["site"] = filters["site"]
    if filters.get("arm"):
        clauses.append(f"{ARM} = %(arm)s")
        params["arm"] = filters["arm"]
    return " AND ".join(clauses), params


def deviation_sql(filters: dict, time_zone: str) -> tuple[str, dict]:
    """The listing's query, in the variables' order, under the export filters."""
    where, params = _where(filters)
    params["tz"] = time_zone
    tables = {m: m._meta.db_table for m in (ProtocolDeviation, Participant, Site, Allocation)}
    sql = f"""
SELECT pt.trial_id, s.code, {ARM},
    ROW_NUMBER() OVER (PARTITION BY d.participant_id ORDER BY d.occurred_on, d.id),
    d.occurred_on, d.occurred_on - pt.randomised_on, d.category, d.seriousness,
    CASE WHEN d.rule = '' THEN 'staff' ELSE 'check' END, NULLIF(d.rule, ''),
    (d.reported_at AT TIME ZONE %(tz)s)::date
FROM {tables[ProtocolDeviation]} d
JOIN {tables[Participant]} pt ON pt.id = d.participant_id
JOIN {tables[Site]} s ON s.id = pt.site_id
LEFT JOIN {tables[Allocation]} a ON a.participant_id = pt.id
WHERE {where}
ORDER BY pt.trial_id, d.occurred_on, d.id"""
    return sql, params


def deviation_rows(filters: dict) -> tuple[list[Variable], Iterator[list], int]:
    """The listing's variables, its rows (streamed) and how many there are."""
    sql, params = deviation_sql(filters, settings.TIME_ZONE)
    return listing(DEVIATIONS, sql, params, "export_deviations")
