"""Snapshot counts of data queries per site: by status, overdue, and days to close.

Counted in Python from the queries' rows (there are few), so "overdue" and "days to close" come
from apps/conduct/query_rules.py and are not restated in SQL. Days to close are a histogram
(0, 1, 2... up to RESOLVE_DAYS_CAP, the last bucket holding that many or more), so the median
of any choice of sites comes from summing their buckets.
"""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from apps.conduct import query_rules
from apps.conduct.models import DataQuery, QueryStatus

RESOLVE_DAYS_CAP = 90
STATUS_COUNTERS = list(QueryStatus.values)
COLUMNS = [
    "site_id",
    *STATUS_COUNTERS,
    "overdue",
    *[f"resolve_d{day}" for day in range(RESOLVE_DAYS_CAP + 1)],
]


def query_counts(today: date) -> dict:
    """Per site: queries open, answered and closed, those overdue, and the days each took."""
    index = {name: i for i, name in enumerate(COLUMNS[1:])}
    per_site: dict[int, list[int]] = defaultdict(lambda: [0] * (len(COLUMNS) - 1))
    rows = DataQuery.objects.values_list("participant__site_id", "status", "raised_at", "closed_at")
    for site_id, status, raised_at, closed_at in rows.iterator():
        counts = per_site[site_id]
        raised_on = timezone.localtime(raised_at).date()
        counts[index[status]] += 1
        counts[index["overdue"]] += query_rules.is_overdue(status, (today - raised_on).days)
        if status == QueryStatus.CLOSED:
            closed_on = timezone.localtime(closed_at).date()
            days = min(query_rules.days_to_close(raised_on, closed_on), RESOLVE_DAYS_CAP)
            counts[index[f"resolve_d{days}"]] += 1
    return {"columns": COLUMNS, "rows": [[site, *c] for site, c in sorted(per_site.items())]}
