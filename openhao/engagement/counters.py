"""Read counting (阅读数) without a database write per page view.

A read is reported by a beacon after the page has loaded. It counts at most once per visitor
and article within ``OPENHAO_READ_DEDUP_SECONDS`` (30 min): the first beacon sets a "seen" key
with that lifetime and adds one to the article's pending increment; later ones find the key.
Pending increments are flushed to ``Article.view_count`` in batches (``flush_reads``), by the
``flush_reads`` management command or task; pages show stored + pending.

Two buffers, chosen by ``REDIS_URL``:

* ``RedisReadBuffer``: "seen" keys with an expiry and one hash of pending increments. One Lua
  script does the check and the increment in a single round trip, atomically. A flush renames
  the hash under a new batch id (atomic: increments arriving meanwhile start a new one),
  applies it, then deletes it; if the process dies in between, the next flush finds the
  renamed hash and applies it. The batch id is stored (``ReadFlush``) in the transaction that
  adds the counts, so a batch still there after that commit (the flusher or Redis died before
  the delete) is dropped rather than counted twice.
* ``LocalReadBuffer`` (no Redis: ``make run``, tests): the dedup windows and the pending
  increments live in process memory, flushed by the process itself every
  ``OPENHAO_READS_FLUSH_SECONDS`` or ``OPENHAO_READS_FLUSH_EVENTS`` reads (no other process can
  reach its memory). Exact within one process; several processes each count a visitor once.

When Redis is away (``openhao.common.redis_health``: refused, timed out) the Redis buffer
counts in a ``LocalReadBuffer`` of its own, so a beacon never fails and no read is dropped.
Those reads go to Redis as soon as it answers again (increments, reading history and dedup
windows in one MULTI), or, if the outage lasts past the local flush interval, straight to the
database. What Redis held when it died comes back with it if it keeps an append-only file, as
the shipped ``deploy/redis.conf`` does. A database that refuses connections makes the flush
fail and keep everything for the next one. At exit a process writes whatever it still holds
in memory; only a killed process (SIGKILL) loses that. Details: docs/engagement.md.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone

from openhao.analytics.services import stats_record_reads
from openhao.articles.models import Article
from openhao.common import redis_health
from openhao.common.redis_health import RedisUnavailable
from openhao.ranking.services import articles_engagement_changed, read_history_record

from . import hooks
from .hooks import Event
from .models import ReadFlush

logger = logging.getLogger("openhao.reads")

FLUSH_BATCH = 500

_RECORD_LUA = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  if ARGV[3] ~= '' then
    redis.call('RPUSH', KEYS[3], ARGV[3])
  end
  return 1
end
return 0
"""

# Move the pending hash aside under a fresh batch id, unless a batch is already aside (an
# interrupted flush): returns the id of the batch to apply, or nil when there is nothing.
_TAKE_LUA = """
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then
    return false
  end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('SET', KEYS[3], ARGV[1])
end
local id = redis.call('GET', KEYS[3])
if not id then
  redis.call('SET', KEYS[3], ARGV[1])
  id = ARGV[1]
end
return id
"""


class RedisReadBuffer:
    def __init__(self, url: str, prefix: str):
        self.url = url
        self.client = redis_health.client(url)
        self.prefix = f"{prefix}:reads"
        self.pending_key = f"{self.prefix}:pending"
        self.flushing_key = f"{self.prefix}:flushing"
        self.flushing_id_key = f"{self.prefix}:flushing:id"
        self.taken_batch: str | None = None  # id of the batch the last take() returned
        # Signed-in readers' reads, "user:article:unix time", for the reading history.
        self.history_key = f"{self.prefix}:history:pending"
        self.history_flushing_key = f"{self.prefix}:history:flushing"
        self._record = self.client.register_script(_RECORD_LUA)
        self._take_script = self.client.register_script(_TAKE_LUA)
        # Where reads go while Redis is away (module docstring).
        self.local = LocalReadBuffer()

    def _redis(self, fn, *args, **kwargs):
        return redis_health.call(fn, *args, url=self.url, **kwargs)

    def _seen_key(self, article_id: int, visitor: str) -> str:
        return f"{self.prefix}:seen:{article_id}:{visitor}"

    def record(self, article_id: int, visitor: str, user_id: int | None = None) -> bool:
        ttl = settings.OPENHAO_READ_DEDUP_SECONDS
        entry = f"{user_id}:{article_id}:{time.time():.0f}" if user_id else ""
        keys = [self._seen_key(article_id, visitor), self.pending_key, self.history_key]
        try:
            counted = bool(self._redis(self._record, keys=keys, args=[ttl, article_id, entry]))
        except RedisUnavailable:
            return self.local.record(article_id, visitor, user_id)
        if self.local.holds_reads():  # left over from an outage (a hand-over that failed)
            self.hand_over()
        return counted

    def hand_over(self) -> int:
        """Give Redis the reads this process counted in memory while it was away; returns
        how many. Kept in memory if Redis fails again."""
        local = self.local
        with local.draining(blocking=False) as drained_here:
            if not drained_here:
                return 0  # this process is writing them to the database right now
            increments = local.take()
            history = local.take_history()
            windows = local.take_windows()
            if not (increments or history or windows):
                return 0
            pipe = self.client.pipeline(transaction=True)
            for article_id, n in increments.items():
                pipe.hincrby(self.pending_key, article_id, n)
            for user_id, article_id, ts in history:
                pipe.rpush(self.history_key, f"{user_id}:{article_id}:{ts:.0f}")
            for (article_id, visitor), seconds in windows:
                pipe.set(self._seen_key(article_id, visitor), "1", nx=True, ex=seconds)
            try:
                self._redis(pipe.execute)
            except RedisUnavailable:
                local.keep_windows(windows)
                return 0
            local.done()
            local.history_done()
        n = sum(increments.values())
        if n:
            logger.info("handed %d reads counted during the Redis outage to Redis", n)
        return n

    def pending(self, article_ids: Iterable[int]) -> dict[int, int]:
        ids = list(article_ids)
        if not ids:
            return {}
        local = self.local.pending(ids)
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self.pending_key, ids)
        pipe.hmget(self.flushing_key, ids)
        try:
            now, flushing = self._redis(pipe.execute)
        except RedisUnavailable:
            return local  # what Redis holds is shown again once it answers
        return {
            i: int(a or 0) + int(b or 0) + local[i]
            for i, a, b in zip(ids, now, flushing, strict=True)
        }

    def depth(self) -> int:
        """Reads counted and not yet in the database: pending, in a batch being flushed, and
        held in this process's memory during an outage. Raises RedisUnavailable."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hvals(self.pending_key)
        pipe.hvals(self.flushing_key)
        now, flushing = self._redis(pipe.execute)
        return sum(map(int, now)) + sum(map(int, flushing)) + self.local.depth()

    def draining(self, blocking: bool = True):
        # Each step below is atomic in Redis; one flusher (manage.py periodic) at a time.
        return contextlib.nullcontext(True)

    def take(self) -> dict[int, int]:
        """The increments to apply: a batch left by an interrupted flush, else everything
        pending now (moved aside atomically)."""
        return self._redis(self._take)

    def _take(self) -> dict[int, int]:
        keys = [self.pending_key, self.flushing_key, self.flushing_id_key]
        batch = self._take_script(keys=keys, args=[uuid.uuid4().hex])
        if not batch:
            self.taken_batch = None
            return {}
        self.taken_batch = batch.decode() if isinstance(batch, bytes) else batch
        raw = self.client.hgetall(self.flushing_key)
        return {int(k): int(v) for k, v in raw.items()}

    def done(self) -> None:
        self._redis(self.client.delete, self.flushing_key, self.flushing_id_key)

    def take_history(self) -> list[tuple[int, int, float]]:
        """Reading-history entries to store, moved aside like the increments."""
        return self._redis(self._take_history)

    def _take_history(self) -> list[tuple[int, int, float]]:
        if not self.client.exists(self.history_flushing_key):
            try:
                self.client.rename(self.history_key, self.history_flushing_key)
            except redis.ResponseError as exc:
                if "no such key" in str(exc).lower():
                    return []
                raise
        entries = []
        for raw in self.client.lrange(self.history_flushing_key, 0, -1):
            user_id, article_id, ts = raw.decode().split(":")
            entries.append((int(user_id), int(article_id), float(ts)))
        return entries

    def history_done(self) -> None:
        self._redis(self.client.delete, self.history_flushing_key)

    def clear(self) -> None:
        """Forget everything (tests, benchmarks)."""
        self.local.clear()
        keys = list(self.client.scan_iter(f"{self.prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start : start + 1000])


class LocalReadBuffer:
    def __init__(self):
        self._lock = threading.Lock()
        # Held from take() to done(): one writer of a batch at a time, or it is counted twice.
        self._drain_lock = threading.Lock()
        self._pending: Counter[int] = Counter()
        self._taken: Counter[int] = Counter()
        self._events = 0
        self._last_flush = time.monotonic()
        # (article, visitor) -> monotonic expiry of the dedup window; pruned at each flush.
        self._seen: dict[tuple[int, str], float] = {}
        self._history: list[tuple[int, int, float]] = []
        self._history_taken: list[tuple[int, int, float]] = []

    def record(self, article_id: int, visitor: str, user_id: int | None = None) -> bool:
        key = (article_id, visitor)
        now = time.monotonic()
        with self._lock:
            if self._seen.get(key, 0) > now:
                return False
            self._seen[key] = now + settings.OPENHAO_READ_DEDUP_SECONDS
            self._pending[article_id] += 1
            if user_id:
                self._history.append((user_id, article_id, time.time()))
            self._events += 1
            due = (
                self._events >= settings.OPENHAO_READS_FLUSH_EVENTS
                or time.monotonic() - self._last_flush >= settings.OPENHAO_READS_FLUSH_SECONDS
            )
        if due:
            self._flush_own()
        return True

    def _flush_own(self) -> None:
        try:
            flush_reads(self, blocking=False)
        except DatabaseError as exc:
            # Kept (take/done); the next attempt comes after another interval, not with the
            # next beacon, so a dead database does not slow every read down.
            with self._lock:
                self._events, self._last_flush = 0, time.monotonic()
            logger.warning("could not write buffered reads (%s); kept for the next flush", exc)

    def holds_reads(self) -> bool:
        # Unlocked: a cheap hint on the hot path; the hand-over itself takes the locks.
        return bool(self._pending or self._taken or self._history or self._history_taken)

    def pending(self, article_ids: Iterable[int]) -> dict[int, int]:
        with self._lock:
            return {i: self._pending.get(i, 0) + self._taken.get(i, 0) for i in article_ids}

    def depth(self) -> int:
        """Reads counted in this process and not yet in the database."""
        with self._lock:
            return sum(self._pending.values()) + sum(self._taken.values())

    @contextlib.contextmanager
    def draining(self, blocking: bool = True):
        """Hold while a batch goes from take() to done(); yields False when ``blocking`` is
        off and another thread holds it."""
        acquired = self._drain_lock.acquire(blocking)
        try:
            yield acquired
        finally:
            if acquired:
                self._drain_lock.release()

    def take(self) -> dict[int, int]:
        """Everything not yet written, including a batch whose write failed (call under
        ``draining``: the batch is all or nothing in one transaction)."""
        with self._lock:
            self._taken.update(self._pending)
            self._pending = Counter()
            self._events = 0
            self._last_flush = now = time.monotonic()
            self._seen = {k: t for k, t in self._seen.items() if t > now}
            return dict(self._taken)

    def done(self) -> None:
        with self._lock:
            self._taken = Counter()

    def take_windows(self) -> list[tuple[tuple[int, str], int]]:
        """The open dedup windows, ((article, visitor), seconds left), forgotten here."""
        with self._lock:
            now = time.monotonic()
            windows = [(k, int(t - now) + 1) for k, t in self._seen.items() if t > now]
            self._seen = {}
            return windows

    def keep_windows(self, windows: list[tuple[tuple[int, str], int]]) -> None:
        with self._lock:
            now = time.monotonic()
            for key, seconds in windows:
                self._seen.setdefault(key, now + seconds)

    def take_history(self) -> list[tuple[int, int, float]]:
        with self._lock:
            self._history_taken.extend(self._history)
            self._history = []
            return list(self._history_taken)

    def history_done(self) -> None:
        with self._lock:
            self._history_taken = []

    def clear(self) -> None:
        with self._lock:
            self._pending, self._taken, self._events = Counter(), Counter(), 0
            self._history, self._history_taken = [], []
            self._seen = {}


_buffer: RedisReadBuffer | LocalReadBuffer | None = None
_buffer_lock = threading.Lock()


def read_buffer() -> RedisReadBuffer | LocalReadBuffer:
    """The process's buffer, built on first use from the settings."""
    global _buffer
    if _buffer is None:
        with _buffer_lock:
            if _buffer is None:
                if settings.REDIS_URL:
                    prefix = settings.CACHES["default"].get("KEY_PREFIX") or "openhao"
                    _buffer = RedisReadBuffer(settings.REDIS_URL, prefix)
                else:
                    _buffer = LocalReadBuffer()
    return _buffer


def reset_read_buffer() -> None:
    """Drop the process's buffer object (tests switch settings)."""
    global _buffer
    _buffer = None


def read_record(*, article_id: int, visitor: str, user_id: int | None = None) -> bool:
    """Count one read; False when this visitor was already counted within the window. A
    signed-in reader's counted read also goes to their reading history at the next flush."""
    return read_buffer().record(article_id, visitor, user_id)


def reads_buffered() -> int:
    """How many counted reads wait for the next flush (the read-buffer depth of /metrics).
    Raises RedisUnavailable while Redis is away."""
    return read_buffer().depth()


def reads_pending(article_ids: Iterable[int]) -> dict[int, int]:
    return read_buffer().pending(article_ids)


def apply_increments(
    increments: dict[int, int], *, batch: int = FLUSH_BATCH, flush_id: str | None = None
) -> int:
    """Add the increments to Article.view_count: one UPDATE … CASE per ``batch`` articles,
    all in one transaction. With a ``flush_id`` the batch is applied at most once (ReadFlush);
    returns 0 for one applied before."""
    items = sorted(increments.items())
    with transaction.atomic():
        if flush_id is not None:
            if ReadFlush.objects.filter(batch=flush_id).exists():
                return 0
            ReadFlush.objects.create(batch=flush_id)
            ReadFlush.objects.filter(applied_at__lt=timezone.now() - timedelta(days=1)).delete()
        for start in range(0, len(items), batch):
            chunk = items[start : start + batch]
            Article.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
                view_count=F("view_count")
                + Case(
                    *[When(pk=pk, then=Value(n)) for pk, n in chunk],
                    default=Value(0),
                    output_field=PositiveIntegerField(),
                )
            )
        stats_record_reads(increments)
        articles_engagement_changed(article_ids=increments)
        hooks.record(*(Event(pk, None, "read", n) for pk, n in items))
    return sum(n for _, n in items)


def flush_reads(buffer=None, *, blocking: bool = True) -> int:
    """Move pending reads into the database. Returns the number of reads written. A database
    error leaves them all in the buffer (and is raised); Redis being away leaves what it holds
    there for a later flush."""
    buffer = buffer or read_buffer()
    written = 0
    if isinstance(buffer, RedisReadBuffer):
        # What this process counted during an outage and could not hand to Redis yet.
        written += flush_reads(buffer.local, blocking=blocking)
    try:
        written += _flush(buffer, blocking)
    except RedisUnavailable:
        logger.info("read flush postponed: Redis is away; the reads it holds wait there")
    return written


def _flush(buffer, blocking: bool) -> int:
    written = 0
    with buffer.draining(blocking) as drained_here:
        if not drained_here:
            return 0
        increments = buffer.take()
        if increments:
            written = apply_increments(increments, flush_id=getattr(buffer, "taken_batch", None))
            buffer.done()
        history = buffer.take_history()
        if history:
            with transaction.atomic():
                read_history_record(entries=history)
                hooks.record(*(Event(a, u, "read_by", 1) for u, a, _ in history))
            buffer.history_done()
    return written


def _hand_over_after_outage() -> None:
    if isinstance(_buffer, RedisReadBuffer) and _buffer.local.holds_reads():
        _buffer.hand_over()


redis_health.on_recovery("reads", _hand_over_after_outage)


@atexit.register
def _write_leftovers_at_exit() -> None:
    """A stopping process (gunicorn worker, runserver) writes the reads only it holds."""
    buffer = _buffer
    local = buffer.local if isinstance(buffer, RedisReadBuffer) else buffer
    if local is None or not local.holds_reads():
        return
    try:
        flush_reads(local)
    except Exception:
        logger.exception("buffered reads could not be written at exit and are lost")
