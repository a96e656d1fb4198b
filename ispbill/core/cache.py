"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and redis-py
fills a table of about 170 response callbacks in each constructor: 0.5–0.7 ms of CPU per `get` or
`set`, several times what the call itself costs. A client holds no connection of its own (the pool
does, and is fork-safe), so one per pool serves every thread of a process.

Redis is a cache here, not a store of record: when it cannot be reached (stopped, restarting, a
network cut) every call answers as a cache that holds nothing — `get` the default, `add` and
`has_key` False, writes do nothing — and one warning a minute is logged, so the web keeps answering
from the database (sessions are `cached_db`; rate limits are counted in the database). The socket
timeouts (`REDIS_CACHE_TIMEOUT`) bound how long a request waits for a Redis that does not answer.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 60.0
_last_warning = [0.0]


def _unreachable(operation: str, error: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning("cache: Redis unreachable (%s: %s); answering as an empty cache", operation, error)


def _tolerant(answer_when_down):
    """Run the cache call; when Redis cannot be reached, log (at most once a minute) and answer
    `answer_when_down(*args)` instead of raising."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _unreachable(method.__name__, error)
                return answer_when_down(*args, **kwargs)

        return wrapper

    return decorate


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

    # While Redis is down: nothing is cached, nothing is added, writes are lost (it is a cache).
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    get_many = _tolerant(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda key: False)(RedisCacheClient.has_key)
    add = _tolerant(lambda key, value, timeout: False)(RedisCacheClient.add)
    set = _tolerant(lambda key, value, timeout: None)(RedisCacheClient.set)
    set_many = _tolerant(lambda data, timeout: [])(RedisCacheClient.set_many)
    touch = _tolerant(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _tolerant(lambda key: False)(RedisCacheClient.delete)
    delete_many = _tolerant(lambda keys: False)(RedisCacheClient.delete_many)
    # A counter that cannot be read counts from nothing: a limit kept in the cache lets the request through.
    incr = _tolerant(lambda key, delta: delta)(RedisCacheClient.incr)
    clear = _tolerant(lambda: False)(RedisCacheClient.clear)


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
