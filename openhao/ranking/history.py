"""Reading history: the signed-in readers' recent reads, the input of the personal feed's
"like what you read" (``selectors.near_reading``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from openhao.articles.models import Article

from .models import ReadHistory

HISTORY_PER_USER = 200  # newest reads kept per reader
HISTORY_BATCH = 500
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
        users = set(get_user_model().objects.filter(pk__in=users).values_list("pk", flat=True))
        articles = set(Article.objects.filter(pk__in=articles).values_list("pk", flat=True))
        rows = [
            ReadHistory(
                user_id=u, article_id=a, read_at=datetime.fromtimestamp(ts, tz=timezone.utc)
            )
            for (u, a), ts in sorted(latest.items())
            if u in users and a in articles
        ]
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
