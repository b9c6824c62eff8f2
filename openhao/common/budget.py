"""Budgets of counted events per client address: how many reads (or shares) one address may
add per article and overall in a window, however many visitors it claims to be.

A visitor id, a cookie or a user agent costs a script nothing to change; an address does. So on
top of "once per visitor", every counted read must also fit its address's budget. A budget is a
list of parts in allauth's rate syntax, ``amount/period/per`` (``30/30m/article,600/h/ip``):
``article`` counts per address and article, ``ip`` per address. Only events that really
counted use the budget: the caller gives back what a duplicate took (``Taken.refund``), so a
reader reloading a page costs the rest of their office nothing.

Each part is a fixed window aligned to the clock (the window's number is in the key), counted
with the cache's atomic ``incr``: one or two cache round trips per part, and never more than
``amount`` admitted per window even under concurrency (an admission that overshoots is given
back at once). At a window's end the count starts again, so over any stretch of one period at
most twice the amount can be admitted.

While the cache is unreachable (Redis down) the budgets are kept in this process's memory:
still limiting, per process instead of site-wide. OpenHao's Redis backend does that itself (its
memory fallback, retried every ``REDIS_RETRY_SECONDS``: docs/deployment.md); a backend that
raises instead gets the same from this module, logged once a minute and retried on the next
event. Either way the shared budgets resume by themselves."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import redis
from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.http import HttpRequest

from .visitors import client_address

logger = logging.getLogger(__name__)
LOG_INTERVAL_SECONDS = 60
KEY_PREFIX = "oh:budget"
PER = ("ip", "article")


@dataclass(frozen=True)
class Part:
    action: str
    amount: int
    seconds: int
    per: str


def parse(action: str, spec: str) -> list[Part]:
    """``"30/30m/article,600/h/ip"`` -> its parts; an empty spec is no budget."""
    parts = []
    for rate in _allauth_ratelimit.parse_rates(spec):
        if rate.per not in PER:
            raise ValueError(f"budget {spec!r}: per must be one of {PER}, not {rate.per!r}")
        parts.append(Part(action, rate.amount, int(rate.duration), rate.per))
    return parts


class _LocalCounts:
    """The fall-back store: fixed-window counts in process memory."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def incr(self, key: str, ttl: int, delta: int = 1) -> int:
        now = time.time()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            count = max(0, count + delta)
            self._counts[key] = (count, expires)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts = {}


_local = _LocalCounts()
_last_log = 0.0


def _cache_incr(key: str, ttl: int, delta: int) -> int:
    if delta < 0:
        try:
            return cache.decr(key, -delta)
        except ValueError:  # expired meanwhile: nothing left to give back
            return 0
    try:
        return cache.incr(key, delta)
    except ValueError:  # the window's first event
        if cache.add(key, delta, timeout=ttl):
            return delta
        return cache.incr(key, delta)


def _unreachable(exc: Exception) -> None:
    global _last_log
    now = time.monotonic()
    if now - _last_log >= LOG_INTERVAL_SECONDS:
        _last_log = now
        logger.warning("cache unreachable, counting budgets in process memory: %s", exc)


@dataclass
class Taken:
    """What one admitted event used: ``(key, ttl, local)`` per part."""

    entries: list[tuple[str, int, bool]] = field(default_factory=list)

    def refund(self) -> None:
        """Give the event back (it did not count after all: a duplicate)."""
        for key, ttl, local in self.entries:
            _incr(key, ttl, -1, local=local)
        self.entries = []


def _incr(key: str, ttl: int, delta: int, *, local: bool) -> tuple[int, bool]:
    if not local:
        try:
            return _cache_incr(key, ttl, delta), False
        except redis.RedisError as exc:
            _unreachable(exc)
    return _local.incr(key, ttl, delta), True


def take(request: HttpRequest, budgets: list[tuple[str, str]], *, article_id: int) -> Taken | None:
    """Admit one event for ``article_id`` from this request's address if every part of every
    ``(action, spec)`` budget has room; None (and nothing used) if one has not."""
    address = client_address(request)
    now = time.time()
    taken = Taken()
    for action, spec in budgets:
        for part in parse(action, spec):
            source = address if part.per == "ip" else f"{address}:a{article_id}"
            window = int(now // part.seconds)
            key = f"{KEY_PREFIX}:{part.action}:{part.per}:{part.seconds}:{source}:{window}"
            ttl = part.seconds - int(now % part.seconds) + 5
            count, local = _incr(key, ttl, 1, local=False)
            taken.entries.append((key, ttl, local))
            if count > part.amount:
                taken.refund()
                return None
    return taken


def take_for(source: str, action: str, spec: str) -> tuple[bool, int]:
    """Admit one event of ``action`` for ``source`` (any key: an address, a token id) within
    ``spec`` (``"600/m,10000/h"``; the ``per`` part of each rate is ignored: the caller names
    the source). Returns (admitted, seconds until the fullest window ends): a refused event
    uses nothing. The JSON API's limits per token and per address (openhao.api.throttle)."""
    now = time.time()
    taken = Taken()
    for rate in _allauth_ratelimit.parse_rates(spec):
        seconds = int(rate.duration)
        window = int(now // seconds)
        key = f"{KEY_PREFIX}:{action}:{seconds}:{source}:{window}"
        ttl = seconds - int(now % seconds) + 5
        count, local = _incr(key, ttl, 1, local=False)
        taken.entries.append((key, ttl, local))
        if count > rate.amount:
            taken.refund()
            return False, max(1, seconds - int(now % seconds))
    return True, 0


SETTINGS = (
    "OPENHAO_READ_BUDGET",
    "OPENHAO_READ_BUDGET_UNKNOWN",
    "OPENHAO_SHARE_BUDGET",
    "OPENHAO_SHARE_BUDGET_UNKNOWN",
)


def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped budget is found at start-up, not by every beacon answering 500."""
    errors = []
    for name in SETTINGS:
        try:
            parse(name, getattr(settings, name))
        except ValueError as exc:
            errors.append(checks.Error(f"{name}: {exc}", id="openhao.E001"))
    return errors


def reset_local() -> None:
    """Forget the in-process fall-back counts (tests)."""
    _local.clear()
