"""Snapshot counts of source data verification per site and area: due, verified, changed.

Counted in Python from apps/monitoring/selectors.py, so an area's status comes from the one rule
in apps/clinical/source_verification.py and is not restated in SQL (three queries in all).
"""

from collections import defaultdict

from apps.clinical import source_verification as sdv_rules
from apps.monitoring.selectors import areas_by_participant
from apps.patients.models import Participant

COLUMNS = ["site_id", "area", "due", "verified", "changed"]


def verification_counts(areas: tuple[sdv_rules.Area, ...]) -> dict:
    """Per site and area of the monitoring plan: areas due, verified, and changed since."""
    people = Participant.objects.all()
    site_of = dict(people.values_list("id", "site_id"))
    statuses: dict[tuple[int, str], list[sdv_rules.Status]] = defaultdict(list)
    for pid, states in areas_by_participant(people, list(site_of), areas).items():
        for state in states:
            statuses[(site_of[pid], state.area.value)].append(state.status)
    rows = []
    for (site_id, area), found in sorted(statuses.items()):
        counted = sdv_rules.progress(found)
        rows.append([site_id, area, counted.due, counted.verified, counted.changed])
    return {"columns": COLUMNS, "rows": rows}
