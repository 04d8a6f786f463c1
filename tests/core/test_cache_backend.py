"""The Redis cache keeps one redis-py client per connection pool and still works as a cache."""

from django.core.cache import cache


def test_the_redis_client_is_built_once_per_pool():
    backend = cache._cache
    assert backend.get_client("a") is backend.get_client("b")
    assert backend.get_client("a", write=True) is backend.get_client("c", write=True)


def test_values_round_trip_through_the_reused_client():
    cache.set("core:reuse", {"n": 1}, 30)
    assert cache.get("core:reuse") == {"n": 1}
    assert cache.add("core:counter", 0)
    assert cache.incr("core:counter") == 1
    cache.delete("core:reuse")
    assert cache.get("core:reuse") is None
