"""The cache on Redis: fast, and degraded rather than broken when Redis is down.

``RedisCache`` is Django's Redis backend with one ``redis.Redis`` client per connection pool
instead of a new one for every operation. Django's ``RedisCacheClient.get_client`` builds a
``redis.Redis`` object on each cache call, and redis-py fills a table of some 170 response
callbacks every time: a third of the time of a public page served from the cache. A
``redis.Redis`` client is thread-safe and holds no state of its own beyond its pool, so one per
pool serves every call. Everything else is Django's (connection pools per server, pickle at its
highest protocol); redis-py parses the replies with hiredis, installed with ``redis[hiredis]``.

``ResilientRedisCache`` survives Redis being down. Sessions (``cached_db``), allauth's rate
limits and page fragments use the cache; Django's own Redis backend raises when Redis does not
answer, which would turn every page into an error page while Redis restarts. This backend treats
an unreachable Redis as an empty cache: reads miss, writes are dropped, and each failure is
logged. Sessions then come from the database; the rate limits are not counted until Redis is
back (they fail open, as a cache miss does).
"""

import logging

import redis
from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError)


def _degraded(fallback):
    def wrap(method):
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning("Cache unavailable (%s): %s", method.__name__, exc)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        return call

    return wrap


class ResilientRedisCache(RedisCache):
    """The Redis cache (one client per pool, above) that survives Redis being
    down."""

    def _default(key, default=None, *args, **kwargs):
        return default

    get = _degraded(_default)(RedisCache.get)
    get_many = _degraded({})(RedisCache.get_many)
    has_key = _degraded(False)(RedisCache.has_key)
    set = _degraded(None)(RedisCache.set)
    set_many = _degraded([])(RedisCache.set_many)
    # add() answers "stored": allauth takes a lock with it in a loop, so unreachable must
    # not read as "someone else holds it"
    add = _degraded(True)(RedisCache.add)
    touch = _degraded(False)(RedisCache.touch)
    delete = _degraded(False)(RedisCache.delete)
    delete_many = _degraded(None)(RedisCache.delete_many)

    del _default
