"""Clearing the test run's cache keys without flushing the Redis database the broker may share."""

from django.conf import settings
from django.core.cache import cache


def clear_cache_keys() -> None:
    """Delete every key under the cache's own prefix (never FLUSHDB: Celery may use the DB)."""
    client = cache._cache.get_client(write=True)  # the redis-py client behind Django's cache
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)
