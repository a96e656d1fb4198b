"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and redis-py
fills a table of about 170 response callbacks in each constructor: 0.5–0.7 ms of CPU per `get` or
`set`, several times what the call itself costs. A client holds no connection of its own (the pool
does, and is fork-safe), so one per pool serves every thread of a process.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PooledClient

    def clear(self):
        """With a key prefix the database is shared: delete our keys only, not FLUSHDB everyone's."""
        if not self.key_prefix:
            return super().clear()
        client = self._cache.get_client(write=True)
        for batch in _batched(client.scan_iter(match=f"{self.key_prefix}:*", count=1000), 500):
            client.delete(*batch)
        return True


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
