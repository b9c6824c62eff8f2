"""Reading history (阅读历史): the signed-in readers' recent reads, shown to them on their 阅读历史
page and the input of the personal feed's "like what you read" (``selectors.near_reading``).

Reads reach it from the read buffer's flush (engagement.counters), up to a minute after the
page view. A reader may pause it (``User.history_paused``: the read beacon then leaves the
reader out, and the flush drops what was buffered meanwhile), clear it, or remove one entry;
reads buffered before a clear (``User.history_cleared_at``) are dropped by the flush, so a
cleared history does not fill up again with what was read just before."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone as django_timezone

from openhao.articles.models import Article

from .models import FeedHidden, FeedMuted, ReadHistory, ReadHistoryRemoval

HISTORY_PER_USER = 200  # newest reads kept per reader
HISTORY_BATCH = 500
# How long a "remove one" marker holds back buffered reads: far longer than a flush interval
# (a minute), so even a flush delayed by an outage finds it.
REMOVAL_KEEP = timedelta(days=1)
# ranking_readhistory_user_idx: each reader's rows newest first; rows past the cap go.
_TRIM_SQL = (
    "DELETE FROM ranking_readhistory WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() "
    "OVER (PARTITION BY user_id ORDER BY read_at DESC, id DESC) AS n FROM ranking_readhistory "
    "WHERE user_id IN ({marks})) AS ranked WHERE n > %s)"
)


def read_history_record(*, entries: Iterable[tuple[int, int, float]]) -> int:
    """Store buffered reads of signed-in readers, ``(user id, article id, unix time)``, in one
    transaction: an upsert per ``HISTORY_BATCH`` rows (a re-read moves the row's time), then
    each touched reader's history is trimmed to the newest ``HISTORY_PER_USER`` rows with one
    DELETE per batch of readers. Readers or articles deleted since the read are skipped.
    Called by the read flush (engagement.counters.flush_reads); returns the rows written."""
    latest: dict[tuple[int, int], float] = {}
    for user_id, article_id, ts in entries:
        key = (int(user_id), int(article_id))
        latest[key] = max(latest.get(key, 0.0), float(ts))
    if not latest:
        return 0
    users = {u for u, _ in latest}
    articles = {a for _, a in latest}
    with transaction.atomic():
        # Paused and erased readers keep no history; a clear drops what was read before it.
        cleared = dict(
            get_user_model()
            .objects.filter(pk__in=users, history_paused=False, deleted_at__isnull=True)
            .values_list("pk", "history_cleared_at")
        )
        # Entries the reader removed: reads from before the removal stay out.
        removed = {
            (u, a): at
            for u, a, at in ReadHistoryRemoval.objects.filter(
                user_id__in=cleared, article_id__in=articles
            ).values_list("user_id", "article_id", "removed_at")
        }
        articles = set(Article.objects.filter(pk__in=articles).values_list("pk", flat=True))
        rows = []
        for (u, a), ts in sorted(latest.items()):
            read_at = datetime.fromtimestamp(ts, tz=timezone.utc)
            if u not in cleared or a not in articles:
                continue
            if cleared[u] and read_at <= cleared[u]:
                continue
            if (u, a) in removed and read_at <= removed[(u, a)]:
                continue
            rows.append(ReadHistory(user_id=u, article_id=a, read_at=read_at))
        users = set(cleared)
        ReadHistory.objects.bulk_create(
            rows,
            batch_size=HISTORY_BATCH,
            update_conflicts=True,
            unique_fields=["user", "article"],
            update_fields=["read_at"],
        )
        ordered = sorted(users)
        for start in range(0, len(ordered), HISTORY_BATCH):
            chunk = ordered[start : start + HISTORY_BATCH]
            sql = _TRIM_SQL.format(marks=", ".join(["%s"] * len(chunk)))
            with connection.cursor() as cursor:
                cursor.execute(sql, [*chunk, HISTORY_PER_USER])
    return len(rows)


def read_history_clear(*, user) -> int:
    """清空阅读历史. Returns the entries removed."""
    now = django_timezone.now()
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(history_cleared_at=now)
        deleted, _ = ReadHistory.objects.filter(user=user).delete()
        # history_cleared_at now holds back every buffered read: the markers are moot.
        ReadHistoryRemoval.objects.filter(user=user).delete()
    return deleted


def read_history_remove(*, user, article_id: int) -> bool:
    """Remove one article from the reader's history. True when it was there. A marker keeps
    the read still in the buffer, if any, from bringing it back at the next flush; the
    reader's markers older than ``REMOVAL_KEEP`` are pruned here."""
    now = django_timezone.now()
    with transaction.atomic():
        deleted, _ = ReadHistory.objects.filter(user=user, article_id=article_id).delete()
        if deleted:
            ReadHistoryRemoval.objects.update_or_create(
                user=user, article_id=article_id, defaults={"removed_at": now}
            )
        ReadHistoryRemoval.objects.filter(user=user, removed_at__lt=now - REMOVAL_KEEP).delete()
    return bool(deleted)


def reader_data_erase(*, user) -> None:
    """The ranking part of 注销: the reading history and the 推荐 feed preferences go."""
    ReadHistory.objects.filter(user=user).delete()
    ReadHistoryRemoval.objects.filter(user=user).delete()
    FeedHidden.objects.filter(user=user).delete()
    FeedMuted.objects.filter(user=user).delete()
