"""The cache on Redis, degraded rather than broken when Redis is down.

Sessions (``cached_db``), allauth's rate limits and page fragments use the cache; Django's own
Redis backend raises when Redis does not answer, which would turn every page into an error page
while Redis restarts. This backend treats an unreachable Redis as an empty cache: reads miss,
writes are dropped, and each failure is logged. Sessions then come from the database; the rate
limits are not counted until Redis is back (they fail open, as a cache miss does).
"""

import logging

import redis

from patto.redis_cache import RedisCache

logger = logging.getLogger(__name__)

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
    """The Redis cache (one client per pool, ``patto.redis_cache``) that survives Redis being
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
