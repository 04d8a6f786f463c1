"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's client builds a new `redis.Redis` object (and its table of ~80 reply callbacks) for
every cache call; the object is only a thin, thread-safe handle on the shared connection pool,
so one per pool is enough and saves that work on every request.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    """A RedisCacheClient that builds each pool's redis-py client once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        """The redis-py client for the pool this key and operation use."""
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class ReusingRedisCache(RedisCache):
    """Django's RedisCache on ReusingRedisCacheClient."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
