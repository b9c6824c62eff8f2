"""The leaderboard behind one interface, chosen by ``REDIS_URL``:

* ``RedisBoard``: one sorted set per campaign, member = the entry id, score = the entry's
  score (written absolute with ZADD, never incremented, so replaying a batch or a rebuild
  gives the same set). Ties go to the earlier entry: members are written as
  ``MAX_ID - id`` zero-padded, and ZREVRANGE orders equal scores by member, descending.
* ``TableBoard`` (no Redis: ``make run``, tests): the ``BoardRow`` table, one row per entry,
  read through ``board_rank_idx (campaign, -score, entry)``. It is a table of its own so that
  ``Entry`` has no index on the score (scoring's updates stay HOT on PostgreSQL).

Both order by (score desc, entry id asc), the order settlement freezes. The database is the
truth; ``rebuild`` (``manage.py rebuild_leaderboard``) writes the board from it. Redis being
away makes reads fall back to sorting the campaign's entries."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q

from openhao.common import redis_health
from openhao.common.redis_health import RedisUnavailable

from .models import BoardRow, Entry

MAX_ID = 10**15
_WIDTH = 16


def _member(entry_id: int) -> str:
    return str(MAX_ID - entry_id).zfill(_WIDTH)


def _entry_id(member: bytes | str) -> int:
    return MAX_ID - int(member)


class TableBoard:
    def set_scores(self, scores: Iterable[tuple[int, int, int]]) -> None:
        """(campaign id, entry id, score), upserted into ``BoardRow``."""
        rows = [BoardRow(entry_id=e, campaign_id=c, score=s) for c, e, s in scores]
        if rows:
            BoardRow.objects.bulk_create(
                rows,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["entry"],
                update_fields=["score"],
            )

    def top(self, campaign_id: int, n: int) -> list[tuple[int, int]]:
        rows = (
            BoardRow.objects.filter(campaign_id=campaign_id)
            .order_by("-score", "entry_id")
            .values_list("entry_id", "score")[:n]
        )
        return list(rows)

    def ranks(self, campaign_id: int, entries: list[tuple[int, int]]) -> dict[int, int]:
        """{entry id: rank} for (entry id, score) pairs: one aggregate query."""
        if not entries:
            return {}
        aggregates = {
            f"r{pk}": Count("entry_id", filter=Q(score__gt=score) | Q(score=score, entry_id__lt=pk))
            for pk, score in entries
        }
        found = BoardRow.objects.filter(campaign_id=campaign_id).aggregate(**aggregates)
        return {pk: found[f"r{pk}"] + 1 for pk, _ in entries}

    def rebuild(self, campaign_id: int) -> int:
        BoardRow.objects.filter(campaign_id=campaign_id).delete()
        rows = Entry.objects.filter(campaign_id=campaign_id).values_list("id", "score")
        BoardRow.objects.bulk_create(
            (BoardRow(entry_id=pk, campaign_id=campaign_id, score=s) for pk, s in rows),
            batch_size=2000,
        )
        return BoardRow.objects.filter(campaign_id=campaign_id).count()

    def drop(self, campaign_id: int) -> None:
        BoardRow.objects.filter(campaign_id=campaign_id).delete()


class RedisBoard:
    def __init__(self, url: str, prefix: str):
        self.url = url
        self.client = redis_health.client(url)
        self.prefix = f"{prefix}:campaign"

    def key(self, campaign_id: int) -> str:
        return f"{self.prefix}:{campaign_id}:board"

    def _redis(self, fn, *args, **kwargs):
        return redis_health.call(fn, *args, url=self.url, **kwargs)

    def set_scores(self, scores: Iterable[tuple[int, int, int]]) -> None:
        # One ZADD per campaign and 5,000 members, in one pipeline. Scores and members go
        # as bytes already (``_member``'s format): redis-py then sends them as they are
        # instead of converting each of tens of thousands of arguments.
        by_campaign: dict[int, list[bytes]] = {}
        for campaign_id, entry_id, score in scores:
            args = by_campaign.get(campaign_id)
            if args is None:
                args = by_campaign[campaign_id] = []
            args += (b"%d" % score, b"%0*d" % (_WIDTH, MAX_ID - entry_id))
        if not by_campaign:
            return
        pipe = self.client.pipeline(transaction=False)
        for campaign_id, args in by_campaign.items():
            for start in range(0, len(args), 10000):
                pipe.execute_command("ZADD", self.key(campaign_id), *args[start : start + 10000])
        # The table is the truth; rebuild_leaderboard writes the set again after an outage.
        with contextlib.suppress(RedisUnavailable):
            self._redis(pipe.execute)

    def top(self, campaign_id: int, n: int) -> list[tuple[int, int]]:
        try:
            rows = self._redis(self.client.zrevrange, self.key(campaign_id), 0, n - 1, True)
        except RedisUnavailable:
            return _top_from_entries(campaign_id, n)
        return [(_entry_id(m), int(s)) for m, s in rows]

    def ranks(self, campaign_id: int, entries: list[tuple[int, int]]) -> dict[int, int]:
        if not entries:
            return {}
        pipe = self.client.pipeline(transaction=False)
        for pk, _ in entries:
            pipe.zrevrank(self.key(campaign_id), _member(pk))
        try:
            found = self._redis(pipe.execute)
        except RedisUnavailable:
            return _ranks_from_entries(campaign_id, entries)
        if any(r is None for r in found):
            return _ranks_from_entries(campaign_id, entries)
        return {pk: int(r) + 1 for (pk, _), r in zip(entries, found, strict=True)}

    def rebuild(self, campaign_id: int, batch: int = 10_000) -> int:
        key = self.key(campaign_id)
        tmp = f"{key}:rebuild"
        self.client.delete(tmp)
        n = 0
        rows = Entry.objects.filter(campaign_id=campaign_id).values_list("id", "score")
        chunk: dict[str, int] = {}
        for entry_id, score in rows.iterator(chunk_size=batch):
            chunk[_member(entry_id)] = score
            if len(chunk) >= batch:
                self.client.zadd(tmp, chunk)
                n += len(chunk)
                chunk = {}
        if chunk:
            self.client.zadd(tmp, chunk)
            n += len(chunk)
        if n:
            self.client.rename(tmp, key)  # atomic: readers see the old set or the new one
        else:
            self.client.delete(key)
        return n

    def drop(self, campaign_id: int) -> None:
        self._redis(self.client.delete, self.key(campaign_id))


def _top_from_entries(campaign_id: int, n: int) -> list[tuple[int, int]]:
    """Redis away: the entries table itself (a sort of one campaign's entries; slower than
    the sorted set, but right)."""
    rows = (
        Entry.objects.filter(campaign_id=campaign_id)
        .order_by("-score", "id")
        .values_list("id", "score")[:n]
    )
    return list(rows)


def _ranks_from_entries(campaign_id: int, entries: list[tuple[int, int]]) -> dict[int, int]:
    if not entries:
        return {}
    aggregates = {
        f"r{pk}": Count("pk", filter=Q(score__gt=score) | Q(score=score, id__lt=pk))
        for pk, score in entries
    }
    found = Entry.objects.filter(campaign_id=campaign_id).aggregate(**aggregates)
    return {pk: found[f"r{pk}"] + 1 for pk, _ in entries}


_board: RedisBoard | TableBoard | None = None


def board() -> RedisBoard | TableBoard:
    global _board
    if _board is None:
        if settings.REDIS_URL:
            prefix = settings.CACHES["default"].get("KEY_PREFIX") or "openhao"
            _board = RedisBoard(settings.REDIS_URL, prefix)
        else:
            _board = TableBoard()
    return _board


def reset_board() -> None:
    global _board
    _board = None
