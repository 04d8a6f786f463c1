"""Clearing the test run's cache keys without flushing the Redis database the broker may share."""

from apps.core.cache import delete_cache_keys


def clear_cache_keys() -> None:
    """Delete every key under the cache's own prefix (never FLUSHDB: Celery may use the DB)."""
    delete_cache_keys("*")
