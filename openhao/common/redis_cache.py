"""Django's Redis cache backend, reusing one redis-py client per connection pool, and carrying
on without Redis when it is away.

Django builds a new ``redis.Redis`` object for every cache call; its constructor costs about a
third of a cached page hit. The client is thread-safe and holds no per-call state, so one per
pool is enough.

When Redis is unreachable (``openhao.common.redis_health``: refused, timed out), every cache
operation goes to a small in-process memory cache instead, until Redis answers again. So what
the cache is used for keeps working per process: rate limits become per-process limits (see
docs/deployment.md for why that rather than failing open), dedup windows are per process,
scheduler-free helpers keep their short-lived values. The page and fragment cache do not store
anything there (``unavailable`` tells them to render from the database): one process could not
invalidate another's copy. When Redis is back the memory cache is emptied.
"""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from . import redis_health

FALLBACK_MAX_ENTRIES = 5000


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        if index not in self._pools:
            pool = redis_health.sentinel_pool(self._servers[index])
            if pool is None:
                return super()._get_connection_pool(write)
            self._pools[index] = pool
        return self._pools[index]

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _resilient(name: str):
    redis_method = getattr(DjangoRedisCache, name)

    def method(self, *args, **kwargs):
        breaker = self._breaker
        if breaker.should_try():
            try:
                result = redis_method(self, *args, **kwargs)
            except redis_health.UNREACHABLE as exc:
                breaker.failed(exc)
            else:
                breaker.succeeded()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._breaker = redis_health.breaker(server if isinstance(server, str) else server[0])
        # The same key prefix, version and key function, so keys mean the same in both.
        fallback_params = {k: v for k, v in params.items() if k not in ("OPTIONS", "LOCATION")}
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        self._fallback = LocMemCache(f"redis-fallback:{self._breaker.name}", fallback_params)
        redis_health.on_recovery(f"cache-fallback:{self._breaker.name}", self._fallback.clear)

    @property
    def unavailable(self) -> bool:
        """Redis is known to be away and not due for another try: calls go to the
        per-process memory cache without waiting."""
        return not self._breaker.should_try()

    @property
    def healthy(self) -> bool:
        """No failure since Redis last answered: what was written reached it."""
        return not self._breaker.down

    add = _resilient("add")
    get = _resilient("get")
    set = _resilient("set")
    touch = _resilient("touch")
    delete = _resilient("delete")
    get_many = _resilient("get_many")
    has_key = _resilient("has_key")
    incr = _resilient("incr")
    set_many = _resilient("set_many")
    delete_many = _resilient("delete_many")
    clear = _resilient("clear")
