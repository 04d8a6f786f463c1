"""Clearing the test run's cache keys without flushing the Redis database the broker may share,
and what this process keeps between requests."""

from django.conf import settings
from django.core.cache import cache


def clear_cache_keys() -> None:
    """Delete every key under the cache's own prefix (never FLUSHDB: Celery may use the DB)."""
    client = cache._cache.get_client(write=True)  # the redis-py client behind Django's cache
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


def clear_process_memos() -> None:
    """Forget the dashboards' per-process page states, snapshot documents and rendered pages."""
    from apps.dashboards.selectors import forget_process_memos
    from apps.dashboards.views import forget_rendered_pages

    forget_process_memos()
    forget_rendered_pages()
