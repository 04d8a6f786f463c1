"""Snapshot counts of adverse events per site and arm (all onset dates: participants with at
least one event are not additive across months, so this table takes no month filter)."""

from apps.dashboards.counts import _count, _t, _table
from apps.patients.models import Allocation, Participant
from apps.safety.models import AdverseEvent, Relatedness, Seriousness


def adverse_event_counts() -> dict:
    """Events, serious events and the participants with one, by criterion and relatedness."""
    body = f"""
WITH cell AS (
  SELECT pt.site_id, ae.participant_id, ae.serious, ae.seriousness_criteria, ae.relatedness,
    COALESCE(a.arm, CASE WHEN pt.randomised_on IS NULL THEN 'none' ELSE 'single' END) AS arm
  FROM {_t(AdverseEvent)} ae
  JOIN {_t(Participant)} pt ON pt.id = ae.participant_id
  LEFT JOIN {_t(Allocation)} a ON a.participant_id = pt.id
)"""
    counters = [
        ("events", "COUNT(*)"),
        ("serious_events", _count("serious")),
        ("participants_any", "COUNT(DISTINCT participant_id)"),
        ("participants_serious", "COUNT(DISTINCT participant_id) FILTER (WHERE serious)"),
    ]
    counters += [
        (f"criterion_{code}", _count(f"'{code}' = ANY(seriousness_criteria)"))
        for code in Seriousness.values
    ]
    counters += [
        (f"related_{code}", _count(f"relatedness = '{code}'")) for code in Relatedness.values
    ]
    return _table(["site_id", "arm"], counters, body, {})
