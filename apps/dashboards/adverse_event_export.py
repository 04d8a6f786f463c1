"""The adverse event listing for the statistician and the data monitoring committee.

One row per event, pseudonymised like the other exports: the trial ID, dates and coded terms;
the free-text description and action taken stay in QuitPilot (they can name people).
"""

from collections.abc import Iterator

from django.conf import settings

from apps.dashboards.export_dictionary import ADVERSE_EVENTS, Variable
from apps.dashboards.sql_stream import listing
from apps.patients.models import Allocation, Participant
from apps.safety.models import AdverseEvent, Seriousness
from apps.sites.models import Site


def _where(filters: dict) -> tuple[str, dict]:
    clauses, params = ["pt.randomised_on IS NOT NULL"], {}
    if filters.get("site"):
        clauses.append("s.code = %(site)s")
        params["site"] = filters["site"]
    if filters.get("arm"):
        clauses.append("COALESCE(a.arm, 'single') = %(arm)s")
        params["arm"] = filters["arm"]
    return " AND ".join(clauses), params


def adverse_event_sql(filters: dict, time_zone: str) -> tuple[str, dict]:
    """The listing's query, in the variables' order, under the export filters."""
    where, params = _where(filters)
    flags = ",\n    ".join(
        f"('{code}' = ANY(ae.seriousness_criteria))::int" for code in Seriousness.values
    )
    params["tz"] = time_zone
    tables = {m: m._meta.db_table for m in (AdverseEvent, Participant, Site, Allocation)}
    sql = f"""
SELECT pt.trial_id, s.code, COALESCE(a.arm, 'single'),
    ROW_NUMBER() OVER (PARTITION BY ae.participant_id ORDER BY ae.onset_on, ae.id),
    ae.onset_on, ae.onset_on - pt.randomised_on, ae.severity, ae.serious::int,
    {flags},
    ae.relatedness, ae.expected::int, ae.outcome, ae.resolved_on, ae.date_of_death,
    (ae.aware_at AT TIME ZONE %(tz)s)::date, (ae.serious_since AT TIME ZONE %(tz)s)::date,
    (ae.reported_to_sponsor_at AT TIME ZONE %(tz)s)::date,
    FLOOR(EXTRACT(EPOCH FROM ae.reported_to_sponsor_at - ae.serious_since) / 3600)::int
FROM {tables[AdverseEvent]} ae
JOIN {tables[Participant]} pt ON pt.id = ae.participant_id
JOIN {tables[Site]} s ON s.id = pt.site_id
LEFT JOIN {tables[Allocation]} a ON a.participant_id = pt.id
WHERE {where}
ORDER BY pt.trial_id, ae.onset_on, ae.id"""
    return sql, params


def adverse_event_rows(filters: dict) -> tuple[list[Variable], Iterator[list], int]:
    """The listing's variables, its rows (streamed) and how many there are."""
    sql, params = adverse_event_sql(filters, settings.TIME_ZONE)
    return listing(ADVERSE_EVENTS, sql, params, "export_adverse_events")
