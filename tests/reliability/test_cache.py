"""With Redis down the cache reads as empty and drops writes instead of failing every page."""

from django.core.cache.backends.base import DEFAULT_TIMEOUT

from patto.cache.backends import ResilientRedisCache
from tests.reliability.processes import free_port


def test_an_unreachable_redis_is_an_empty_cache():
    cache = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"TIMEOUT": DEFAULT_TIMEOUT})
    assert cache.get("chiave") is None
    assert cache.get("chiave", "predefinito") == "predefinito"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("chiave", 1) is None
    assert cache.add("lucchetto", 1) is True  # a lock taken in a loop must not spin forever
    assert cache.delete("chiave") is False
    assert not cache.has_key("chiave")
