"""Django's Redis cache, failing soft: when Redis cannot be reached the cache is skipped, the page
is not.

`FailSoftRedisCache` is django.core.cache.backends.redis.RedisCache with every operation wrapped:
redis-py's ConnectionError and TimeoutError (and only those: any other error is a bug and is
raised) are caught, a warning is logged, and the call answers as an empty cache would:

- `get` returns the default, `get_many` returns {}, `has_key` / `add` / `delete` / `touch`
  return False;
- `set`, `delete_many` and `clear` do nothing; `set_many` returns every key (none was set);
- `incr` / `decr` return None instead of a count: a caller that counts (apps/core/rate_limit.py)
  decides for itself what an uncounted request means.

The warning names the call site (the first frame outside the cache code) and is logged once per
call site until a cache call succeeds again, so an outage writes one line for each place that
uses the cache rather than one per request. The connection timeouts in CACHES["OPTIONS"]
(config/settings/base.py) bound how long a call may wait for a Redis that does not answer, and
after one failure the circuit breaker (apps/core/circuit.py) skips Redis for a few seconds, so a
hung Redis costs one timeout per process now and then, not one per call.
"""

import logging
import os
import re
import threading
import traceback
from collections.abc import Callable

import django.core.cache
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from apps.core import circuit

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
_CACHE_CODE = (
    os.path.abspath(__file__),
    os.path.dirname(os.path.abspath(django.core.cache.__file__)),
)
_warned_sites: set[str] = set()  # call sites warned about in the current outage
_warned_lock = threading.Lock()


def _call_site() -> str:
    """Where the application called the cache: the innermost frame outside the cache code."""
    for frame in reversed(traceback.extract_stack()):
        path = os.path.abspath(frame.filename)
        if not path.startswith(_CACHE_CODE):
            return f"{os.path.relpath(path, settings.BASE_DIR)}:{frame.lineno} in {frame.name}"
    return "unknown"


def _warn_unreachable(operation: str, error: Exception) -> None:
    site = _call_site()
    with _warned_lock:
        if site in _warned_sites:
            return
        _warned_sites.add(site)
    logger.warning(
        "Cache unreachable: %s skipped at %s (%s: %s); the page goes on without it",
        operation,
        site,
        type(error).__name__,
        error,
    )


class FailSoftRedisCache(RedisCache):
    """RedisCache that logs and skips a call when Redis cannot be reached (see the module doc)."""

    def _soft(self, operation: str, fallback, call: Callable, *args, **kwargs):
        breaker = f"cache:{self._servers[0]}"
        if circuit.is_open(breaker):
            return fallback() if callable(fallback) else fallback
        try:
            result = call(*args, **kwargs)
        except UNREACHABLE as exc:
            circuit.trip(breaker)
            _warn_unreachable(operation, exc)
            return fallback() if callable(fallback) else fallback
        circuit.reset(breaker)
        if _warned_sites:  # Redis answers again: the next outage is worth a warning
            with _warned_lock:
                _warned_sites.clear()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Set the key if absent; False when Redis is unreachable."""
        return self._soft("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        """The value, or default (also when Redis is unreachable)."""
        return self._soft("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store the value; nothing happens when Redis is unreachable."""
        return self._soft("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        """Renew the key's expiry; False when Redis is unreachable."""
        return self._soft("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        """Delete the key; False when Redis is unreachable."""
        return self._soft("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        """The values found; {} when Redis is unreachable."""
        return self._soft("get_many", dict, super().get_many, keys, version)

    def has_key(self, key, version=None):
        """Whether the key is set; False when Redis is unreachable."""
        return self._soft("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        """The incremented value (ValueError for a missing key); None when Redis is unreachable."""
        return self._soft("incr", None, super().incr, key, delta, version)

    def count_in_window(self, key, timeout: int, version=None) -> int | None:
        """INCR the key, giving it `timeout` seconds to live when it is new, in one round trip;
        None when Redis is unreachable."""

        def count() -> int:
            full_key = self.make_and_validate_key(key, version=version)
            pipe = self._cache.get_client(full_key, write=True).pipeline(transaction=False)
            pipe.incr(full_key)
            pipe.expire(full_key, timeout, nx=True)
            return pipe.execute()[0]

        return self._soft("count_in_window", None, count)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Store the values; the keys not stored (all of them when Redis is unreachable)."""
        return self._soft("set_many", lambda: list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        """Delete the keys; nothing happens when Redis is unreachable."""
        return self._soft("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        """Flush the cache's Redis database; nothing happens when Redis is unreachable.

        FLUSHDB also drops Celery's queue when the broker shares the database (the default):
        delete keys by pattern instead (delete_cache_keys).
        """
        return self._soft("clear", None, super().clear)


def delete_cache_keys(pattern: str) -> int:
    """Delete the default cache's keys matching a glob pattern (of unprefixed keys); how many.

    Uses SCAN and DEL on a redis-py client of its own, never FLUSHDB, so keys that are not the
    cache's (Celery's broker, another checkout's prefix) are left alone.
    """
    location = settings.CACHES["default"]["LOCATION"]
    servers = location if isinstance(location, list | tuple) else re.split("[;,]", location)
    client = redis.Redis.from_url(
        servers[0],
        socket_connect_timeout=settings.REDIS_SOCKET_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        retry=None,  # redis-py's default retries three times with backoff: seconds, not one try
    )
    try:
        keys = list(client.scan_iter(match=cache.make_key(pattern), count=500))
        return client.delete(*keys) if keys else 0
    finally:
        client.close()
