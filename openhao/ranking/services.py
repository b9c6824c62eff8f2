"""Writes of ranking data. Other apps call ``article_engagement_changed`` after they change an
article's counters, and the article services call ``article_score_refresh`` on publish and
remove; both keep the stored score row and (with Redis) the hot sorted sets in step.

Redis is written at once rather than on commit, so a rolled-back transaction can leave a stale
entry behind: readers load articles through the published-only list query (a removed article
never shows) and the next refresh or ``scores_rebuild`` corrects the score."""

from __future__ import annotations

from django.db import transaction

from openhao.articles.models import Article

from . import redis_store
from .hot import SIGNALS, hot_score
from .models import ArticleScore

COUNTER_FIELDS = tuple(SIGNALS)


def _member(score: ArticleScore) -> str:
    return redis_store.member(
        score.article_id, score.creator_id, int(score.published_at.timestamp())
    )


@transaction.atomic
def article_score_refresh(*, article_id: int) -> ArticleScore | None:
    """Recompute the article's hot score from its counters. Unpublished articles lose their
    row (and their place in the hot sets). Returns the row, or None when not public."""
    article = (
        Article.objects.filter(pk=article_id)
        .only("id", "status", "published_at", "channel_id", "creator_id", *COUNTER_FIELDS)
        .first()
    )
    old = ArticleScore.objects.select_for_update().filter(article_id=article_id).first()
    old_member = _member(old) if old else None
    old_channel = old.channel_id if old else None
    if article is None or not article.is_public:
        if old:
            old.delete()
            if redis_store.enabled():
                redis_store.drop(old=old_member, channel_id=old_channel)
        return None
    score = hot_score(
        published_at=article.published_at,
        counts={f: getattr(article, f) for f in COUNTER_FIELDS},
    )
    row, _created = ArticleScore.objects.update_or_create(
        article_id=article.pk,
        defaults={
            "channel_id": article.channel_id,
            "creator_id": article.creator_id,
            "published_at": article.published_at,
            "hot": score,
        },
    )
    if redis_store.enabled():
        new_member = _member(row)
        redis_store.put(
            old=old_member if old_member != new_member else None,
            new=new_member,
            channel_id=row.channel_id,
            old_channel_id=old_channel,
            score=score,
        )
    return row


def article_content_changed(*, article_id: int) -> None:
    """Call after an article is published, edited or removed: its score row and hot-set entry
    follow now."""
    article_score_refresh(article_id=article_id)


def article_engagement_changed(*, article_id: int) -> None:
    """Call after updating any of an article's engagement counters (reads, likes, comments,
    shares): the stored score and the hot lists follow."""
    article_score_refresh(article_id=article_id)


def scores_rebuild(*, batch_size: int = 2000) -> int:
    """Recompute every score row from the article table (after bulk loads, imports or a change
    of constants), then rebuild the Redis sets. Returns the number of public articles."""
    public = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)
    fields = ("id", "published_at", "channel_id", "creator_id", *COUNTER_FIELDS)
    count = 0
    with transaction.atomic():
        ArticleScore.objects.exclude(article__in=public).delete()
        rows = []
        for article in public.only(*fields).iterator(chunk_size=batch_size):
            rows.append(
                ArticleScore(
                    article_id=article.pk,
                    channel_id=article.channel_id,
                    creator_id=article.creator_id,
                    published_at=article.published_at,
                    hot=hot_score(
                        published_at=article.published_at,
                        counts={f: getattr(article, f) for f in COUNTER_FIELDS},
                    ),
                )
            )
            if len(rows) >= batch_size:
                count += _upsert(rows)
                rows = []
        count += _upsert(rows)
    if redis_store.enabled():
        redis_store.forget_all()
    return count


def _upsert(rows: list[ArticleScore]) -> int:
    if rows:
        ArticleScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["channel", "creator", "published_at", "hot"],
        )
    return len(rows)


def hot_set_rebuild(*, channel_id: int | None = None) -> None:
    """Fill one Redis set (site-wide or one channel's) with the best KEEP score rows
    (ranking_hot_idx, ranking_channel_hot_idx)."""
    rows = ArticleScore.objects.all()
    key = redis_store.site_key()
    if channel_id:
        rows = rows.filter(channel_id=channel_id)
        key = redis_store.channel_key(channel_id)
    cols = ("article_id", "creator_id", "published_at", "hot")
    redis_store.replace(
        key,
        [
            (redis_store.member(a, c, int(p.timestamp())), h)
            for a, c, p, h in rows.order_by("-hot").values_list(*cols)[: redis_store.KEEP]
        ],
    )
