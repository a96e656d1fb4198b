"""The Redis cache backend (production's, and CI's): Django's, with one redis-py client per pool."""

import threading
import uuid

import pytest
from django.conf import settings

from ispbill.core.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL (CI does)")


@pytest.fixture
def redis_cache():
    # A prefix of the test's own: the tests of this module run on several xdist workers against one
    # Redis database, and one test's clean-up deleted the counter another was still incrementing.
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-core-cache-{uuid.uuid4().hex}"})
    yield cache
    cache.clear()  # with a prefix, only this prefix's keys


def test_one_client_serves_every_call_of_a_process(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client("any-key", write=True) is client


def test_values_round_trip_and_counters_increment_in_redis(redis_cache):
    redis_cache.set("greeting", {"text": "স্বাগতম", "n": 1}, 60)
    assert redis_cache.get("greeting") == {"text": "স্বাগতম", "n": 1}
    redis_cache.set("counter", 0, 60)
    assert [redis_cache.incr("counter") for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ValueError):
        redis_cache.incr("missing-counter")


def test_threads_share_the_client_without_losing_increments(redis_cache):
    redis_cache.set("shared", 0, 60)

    def bump():
        for _ in range(50):
            redis_cache.incr("shared")

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("shared") == 200
