"""Snapshot counts of protocol deviations per site and arm (all dates, like adverse events).

A deviation before randomisation (eligibility, consent) has the arm 'none': it counts for its
site, and in no arm's column.
"""

from apps.conduct.models import DeviationCategory, DeviationSeriousness, ProtocolDeviation
from apps.dashboards.counts import _count, _t, _table
from apps.patients.models import Allocation, Participant


def deviation_counts() -> dict:
    """Deviations, major ones, those the platform raised, participants with one, by category."""
    body = f"""
WITH cell AS (
  SELECT pt.site_id, d.participant_id, d.category, d.seriousness, d.rule,
    COALESCE(a.arm, CASE WHEN pt.randomised_on IS NULL THEN 'none' ELSE 'single' END) AS arm
  FROM {_t(ProtocolDeviation)} d
  JOIN {_t(Participant)} pt ON pt.id = d.participant_id
  LEFT JOIN {_t(Allocation)} a ON a.participant_id = pt.id
)"""
    counters = [
        ("deviations", "COUNT(*)"),
        ("major", _count(f"seriousness = '{DeviationSeriousness.MAJOR}'")),
        ("automatic", _count("rule <> ''")),
        ("participants_any", "COUNT(DISTINCT participant_id)"),
    ]
    counters += [
        (f"category_{code}", _count(f"category = '{code}'")) for code in DeviationCategory.values
    ]
    return _table(["site_id", "arm"], counters, body, {})
