"""The dashboard's one cache: a snapshot's figures as rendered HTML.

A ready snapshot never changes, so its rendered figures stay right for as long as everything else
they were rendered from is unchanged: the key names all of it (the snapshot id, the sites the
user may see, the filters and the query string they came from, the thresholds' version and
whether the criteria edit link is shown). Nothing is kept fresh by writes or signals: a change to
any of those reads a different key; entries of older snapshots simply expire. The live
open-alert count is never cached: the figures hold OPEN_ALERTS_SLOT, filled in per response.

To drop every entry (after a deploy that changes the figures' templates, say):
`manage.py clear_dashboard_figures`. With Redis down, pages render the figures uncached.
"""

import hashlib
import json
import zlib
from collections.abc import Callable

from django.core.cache import cache

from apps.core.cache import delete_cache_keys
from apps.dashboards.report import Filters

KEY_PREFIX = "dashboards:figures:"
# A snapshot is the latest for about 10 minutes (the beat rebuild); an hour covers a slow night.
FIGURES_SECONDS = 60 * 60
# Where the cached figures carry the live open-alert count, filled in per response.
OPEN_ALERTS_SLOT = "@@open-alerts-now@@"


def figures_key(
    *,
    snapshot_id: int,
    sites: list[tuple[str, int, str]],
    filters: Filters,
    query: str,
    criteria_version: str,
    can_edit_criteria: bool,
) -> str:
    """The cache key of figures rendered from exactly these inputs."""
    parts = [
        snapshot_id,
        sites,
        sorted(filters.site_ids),
        filters.arm,
        filters.month_from,
        filters.month_to,
        query,
        criteria_version,
        can_edit_criteria,
    ]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"{KEY_PREFIX}{digest}"


def cached_figures(key: str, render: Callable[[], str]) -> str:
    """The figures stored under key, else render() (stored for next time)."""
    packed = cache.get(key)
    if packed is not None:
        return zlib.decompress(packed).decode()
    html = render()
    cache.set(key, zlib.compress(html.encode(), 1), FIGURES_SECONDS)
    return html


def clear_cached_figures() -> int:
    """Delete every cached rendering of the figures; how many there were."""
    return delete_cache_keys(f"{KEY_PREFIX}*")
