"""Hot lists as Redis sorted sets, updated incrementally (only when REDIS_URL is set).

One set for the whole site and one per channel; the score is the stored hot score. Members are
``<article id>:<creator id>:<publish unix time>`` so the rolling window and the per-creator cap
are applied to what Redis returns, and the database is asked only for the few articles shown.
Each set is trimmed to the best ``KEEP`` members: the time term of the score pushes old articles
out at the bottom by itself. A set is trusted only while its ``:built`` marker exists; a missing
one (never built, flushed, evicted) is rebuilt from the database by the first read.
"""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings

KEEP = 2000


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


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
    pipe.execute()


def drop(*, old: str, channel_id: int) -> None:
    pipe = _client().pipeline(transaction=False)
    pipe.zrem(site_key(), old)
    pipe.zrem(channel_key(channel_id), old)
    pipe.execute()


def top(key: str, count: int) -> list[tuple[int, int, int]] | None:
    """Best ``count`` members, or None when the set was never built or was flushed (the marker
    written by ``replace`` is missing): the caller then rebuilds it from the database."""
    client = _client()
    pipe = client.pipeline(transaction=False)
    pipe.exists(built_key(key))
    pipe.zrevrange(key, 0, count - 1)
    exists, members = pipe.execute()
    if not exists:
        return None
    return [parse(m) for m in members]


def replace(key: str, entries: list[tuple[str, float]]) -> None:
    """Replace one set with (member, score) pairs and mark it built."""
    pipe = _client().pipeline(transaction=True)
    pipe.delete(key)
    if entries:
        pipe.zadd(key, dict(entries))
    pipe.set(built_key(key), "1")
    pipe.execute()


def forget_all() -> None:
    """Drop every hot set; each is rebuilt from the database on its next read."""
    client = _client()
    keys = list(client.scan_iter(match=f"{_prefix()}:hot*"))
    if keys:
        client.delete(*keys)
