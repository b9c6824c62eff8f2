"""Hot lists as Redis sorted sets, updated incrementally (only when REDIS_URL is set).

One set for the whole site and one per channel; the score is the stored hot score. Members are
``<article id>:<creator id>:<publish unix time>`` so the rolling window and the per-creator cap
are applied to what Redis returns, and the database is asked only for the few articles shown.
Each set is trimmed to the best ``KEEP`` members: the time term of the score pushes old articles
out at the bottom by itself. A set is trusted only while its ``:built`` marker exists; a missing
one (never built, flushed, evicted) is rebuilt from the database by the first read.

Without Redis for a while (``openhao.common.redis_health``) reads raise ``RedisUnavailable`` and
the selectors rank from the indexed score column instead; a score change that could not reach
Redis marks the sets stale in this process, and when Redis answers again they are dropped, to
be rebuilt from the database by the next read.
"""

from __future__ import annotations

import contextlib
import threading
from functools import cache

import redis
from django.conf import settings

from openhao.common import redis_health
from openhao.common.redis_health import RedisUnavailable

__all__ = ["RedisUnavailable"]

KEEP = 2000

_stale = threading.Event()  # a write was lost while Redis was away


@cache
def _client_for(url: str) -> redis.Redis:
    return redis_health.client(url)


def _client() -> redis.Redis:
    return _client_for(settings.REDIS_URL)


def _execute(pipe) -> list:
    return redis_health.call(pipe.execute)


def _write(pipe) -> None:
    """Send a write; if Redis is away the sets are stale from now on (see the module doc)."""
    try:
        _execute(pipe)
    except RedisUnavailable:
        _stale.set()


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'openhao')}:rank"


def site_key() -> str:
    return f"{_prefix()}:hot"


def channel_key(channel_id: int) -> str:
    return f"{_prefix()}:hot:ch:{channel_id}"


def built_key(key: str) -> str:
    return f"{key}:built"


def member(article_id: int, creator_id: int, published_ts: int) -> str:
    return f"{article_id}:{creator_id}:{published_ts}"


def parse(raw: bytes | str) -> tuple[int, int, int]:
    text = raw.decode() if isinstance(raw, bytes) else raw
    article_id, creator_id, ts = text.split(":")
    return int(article_id), int(creator_id), int(ts)


def put(*, old: str | None, new: str, channel_id: int, old_channel_id: int | None, score: float):
    pipe = _client().pipeline(transaction=False)
    if old:
        pipe.zrem(site_key(), old)
        pipe.zrem(channel_key(old_channel_id or channel_id), old)
    for key in (site_key(), channel_key(channel_id)):
        pipe.zadd(key, {new: score})
        pipe.zremrangebyrank(key, 0, -KEEP - 1)
    _write(pipe)


def drop(*, old: str, channel_id: int) -> None:
    pipe = _client().pipeline(transaction=False)
    pipe.zrem(site_key(), old)
    pipe.zrem(channel_key(channel_id), old)
    _write(pipe)


def top(key: str, count: int) -> list[tuple[int, int, int]] | None:
    """Best ``count`` members, or None when the set was never built or was flushed (the marker
    written by ``replace`` is missing): the caller then rebuilds it from the database. Raises
    RedisUnavailable while Redis is away."""
    _forget_if_stale()  # sets that missed a write are dropped before they are read
    client = _client()
    pipe = client.pipeline(transaction=False)
    pipe.exists(built_key(key))
    pipe.zrevrange(key, 0, count - 1)
    exists, members = _execute(pipe)
    if not exists:
        return None
    return [parse(m) for m in members]


def replace(key: str, entries: list[tuple[str, float]]) -> None:
    """Replace one set with (member, score) pairs and mark it built (RedisUnavailable while
    Redis is away)."""
    pipe = _client().pipeline(transaction=True)
    pipe.delete(key)
    if entries:
        pipe.zadd(key, dict(entries))
    pipe.set(built_key(key), "1")
    _execute(pipe)


def _drop_every_set() -> None:
    client = _client()
    keys = list(client.scan_iter(match=f"{_prefix()}:hot*"))
    if keys:
        client.delete(*keys)


def forget_all() -> None:
    """Drop every hot set; each is rebuilt from the database on its next read. While Redis is
    away, that happens when it answers again."""
    _stale.set()
    with contextlib.suppress(RedisUnavailable):  # then still marked stale
        _forget_if_stale()


def _forget_if_stale() -> None:
    if _stale.is_set():
        _stale.clear()
        try:
            redis_health.call(_drop_every_set)
        except RedisUnavailable:
            _stale.set()
            raise


def _on_recovery() -> None:
    if enabled():
        _forget_if_stale()


redis_health.on_recovery("hot-sets", _on_recovery)
