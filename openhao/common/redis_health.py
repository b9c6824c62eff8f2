"""Doing without Redis for a while: one circuit breaker per Redis server and process.

Everything that talks to Redis — the cache backend (pages, fragments, rate limits, dedup
windows), the read buffer and the hot-list sets — goes through ``call`` or checks the breaker.
A refused connection or a timeout opens the circuit: for ``REDIS_RETRY_SECONDS`` nobody in the
process tries Redis again, each user falls back to what it can do alone (render from the
database, count in process memory, rank from the indexed column), and no request waits for a
dead server. The first call after that interval tries again; when it succeeds the circuit
closes and the recovery hooks run, once, in that call: they hand Redis what was kept aside in
the meantime (reads counted in memory, cache tags bumped while it was away). Redis itself is
never required to come back with its data (docs/deployment.md says what a lost Redis costs).

The healthy path costs one attribute read per call: no extra round trip, no lock.

The outage is logged when it starts, at most once a minute while it lasts, and when it ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from django.conf import settings

logger = logging.getLogger("openhao.redis")

# Redis is away (refused, reset, timed out, still loading its data), as opposed to a command
# error, which is a bug and must be seen.
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
LOG_EVERY_SECONDS = 60.0

T = TypeVar("T")


class RedisUnavailable(Exception):  # noqa: N818 - reads as the condition it reports
    """Redis was not tried (the circuit is open) or did not answer; use the fallback."""


class Breaker:
    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._retry_at: float | None = None  # None: closed (healthy)
        self._down_since = 0.0
        self._failures = 0
        self._last_log = 0.0

    @property
    def down(self) -> bool:
        """Redis failed and has not answered since."""
        return self._retry_at is not None

    def should_try(self) -> bool:
        """False while the circuit is open and the retry interval has not passed."""
        retry_at = self._retry_at
        return retry_at is None or time.monotonic() >= retry_at

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            first = self._retry_at is None
            self._retry_at = now + settings.REDIS_RETRY_SECONDS
            if first:
                self._down_since, self._failures = now, 0
            self._failures += 1
            log = first or now - self._last_log >= LOG_EVERY_SECONDS
            if log:
                self._last_log = now
            failures, since = self._failures, now - self._down_since
        if log and first:
            logger.warning(
                "Redis %s is unreachable (%s): serving without it, retrying every %s s",
                self.name,
                exc,
                settings.REDIS_RETRY_SECONDS,
            )
        elif log:
            logger.warning(
                "Redis %s is still unreachable after %.0f s (%d failed attempts): %s",
                self.name,
                since,
                failures,
                exc,
            )

    def succeeded(self) -> None:
        if self._retry_at is None:
            return
        with self._lock:
            if self._retry_at is None:
                return
            self._retry_at = None
            outage = time.monotonic() - self._down_since
        logger.warning("Redis %s answers again after %.1f s; resuming", self.name, outage)
        run_recovery_hooks()


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker(url: str | None = None) -> Breaker:
    """The breaker of the Redis at ``url`` (default: ``REDIS_URL``)."""
    url = url if url is not None else settings.REDIS_URL
    found = _breakers.get(url)
    if found is None:
        with _breakers_lock:
            found = _breakers.setdefault(url, Breaker(_display(url)))
    return found


def _display(url: str) -> str:
    # Never log a password from the URL.
    return url.split("@")[-1] if "@" in url else url


def call(fn: Callable[..., T], *args, url: str | None = None, **kwargs) -> T:
    """``fn(*args, **kwargs)`` unless Redis is known to be away; raises RedisUnavailable
    instead of a connection error, after opening the circuit."""
    b = breaker(url)
    if not b.should_try():
        raise RedisUnavailable(b.name)
    try:
        result = fn(*args, **kwargs)
    except UNREACHABLE as exc:
        b.failed(exc)
        raise RedisUnavailable(b.name) from exc
    b.succeeded()
    return result


def sentinel_pool(url: str) -> redis.ConnectionPool | None:
    """With ``REDIS_SENTINELS`` set, a pool that asks those sentinels where the master
    ``REDIS_SENTINEL_MASTER`` is (and asks again after a failover); ``url`` then only gives
    the database number, user and password. None without sentinels."""
    if not settings.REDIS_SENTINELS:
        return None
    from redis.connection import parse_url
    from redis.sentinel import Sentinel, SentinelConnectionPool

    options = {k: v for k, v in parse_url(url).items() if k in ("db", "username", "password")}
    options.update(settings.REDIS_CLIENT_OPTIONS)
    sentinels = []
    for item in settings.REDIS_SENTINELS:
        host, _, port = item.rpartition(":")
        sentinels.append((host.strip("[]"), int(port)))
    manager = Sentinel(sentinels, sentinel_kwargs=dict(settings.REDIS_CLIENT_OPTIONS), **options)
    return SentinelConnectionPool(settings.REDIS_SENTINEL_MASTER, manager, **options)


def client(url: str) -> redis.Redis:
    """A redis-py client with the short timeouts of ``REDIS_CLIENT_OPTIONS``."""
    pool = sentinel_pool(url)
    if pool is not None:
        return redis.Redis(connection_pool=pool)
    return redis.Redis.from_url(url, **settings.REDIS_CLIENT_OPTIONS)


# --- recovery --------------------------------------------------------------------------------

_hooks: dict[str, Callable[[], None]] = {}
_hooks_running = threading.Lock()


def on_recovery(name: str, hook: Callable[[], None]) -> None:
    """Run ``hook()`` whenever a Redis answers again after an outage. Hooks keep what they
    could not hand over (Redis failed again) for the next recovery; registering a name again
    replaces its hook."""
    _hooks[name] = hook


def run_recovery_hooks() -> None:
    if not _hooks_running.acquire(blocking=False):
        return  # another thread of this process is already at it
    try:
        for name, hook in list(_hooks.items()):
            try:
                hook()
            except RedisUnavailable:
                return  # gone again; the next recovery runs them all
            except Exception:
                logger.exception("Redis recovery step %s failed", name)
    finally:
        _hooks_running.release()


def reset() -> None:
    """Forget every breaker (tests point settings at another Redis)."""
    with _breakers_lock:
        _breakers.clear()
