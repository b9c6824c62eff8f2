"""Hot scores: the stored score row of every public article and, with Redis, the hot sorted
sets. Other apps call ``article_engagement_changed`` (``articles_engagement_changed`` for
batches) after they change an article's counters, and ``article_score_refresh`` runs on
publish, edit and removal (``services.article_content_changed``).

Redis is written at once rather than on commit, so a rolled-back transaction can leave a stale
entry behind: readers load articles through the public-only list query (a removed article
never shows) and the next refresh or ``scores_rebuild`` corrects the score."""

from __future__ import annotations

from django.db import transaction

from openhao.articles.models import PUBLIC_FIELDS, Article

from . import redis_store
from .hot import SIGNALS, hot_score
from .models import ArticleScore

COUNTER_FIELDS = tuple(SIGNALS)


def _member(score: ArticleScore) -> str:
    return redis_store.member(
        score.article_id, score.creator_id, int(score.published_at.timestamp())
    )


def _score_row(article: Article) -> ArticleScore:
    """The score row of a public article loaded with ``SCORE_FIELDS``."""
    return ArticleScore(
        article_id=article.pk,
        channel_id=article.channel_id,
        creator_id=article.creator_id,
        published_at=article.published_at,
        hot=hot_score(
            published_at=article.published_at,
            counts=_counts(article),
        ),
    )


def _counts(article: Article) -> dict[str, int]:
    """The counters the score weighs; likes from reaction-ring members do not count."""
    counts = {f: getattr(article, f) for f in COUNTER_FIELDS}
    counts["like_count"] = max(0, counts["like_count"] - article.ring_like_count)
    return counts


SCORE_FIELDS = (
    "id",
    "published_at",
    "channel_id",
    "creator_id",
    "ring_like_count",
    *COUNTER_FIELDS,
)


@transaction.atomic
def article_score_refresh(*, article_id: int) -> ArticleScore | None:
    """Recompute the article's hot score from its counters. Unpublished articles lose their
    row (and their place in the hot sets). Returns the row, or None when not public."""
    article = Article.objects.filter(pk=article_id).only(*PUBLIC_FIELDS, *SCORE_FIELDS).first()
    old = ArticleScore.objects.select_for_update().filter(article_id=article_id).first()
    old_member = _member(old) if old else None
    old_channel = old.channel_id if old else None
    if article is None or not article.is_public:
        if old:
            old.delete()
            if redis_store.enabled():
                redis_store.drop(old=old_member, channel_id=old_channel)
        return None
    fresh = _score_row(article)
    score = fresh.hot
    row, _created = ArticleScore.objects.update_or_create(
        article_id=article.pk,
        defaults={
            "channel_id": fresh.channel_id,
            "creator_id": fresh.creator_id,
            "published_at": fresh.published_at,
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


def article_engagement_changed(*, article_id: int) -> None:
    """Call after updating any of an article's engagement counters (reads, likes, comments,
    shares): the stored score and the hot lists follow."""
    article_score_refresh(article_id=article_id)


def articles_engagement_changed(*, article_ids) -> int:
    """Bulk twin of ``article_engagement_changed`` for batched counters (read flushes): one
    SELECT and one upsert for the whole batch. Engagement does not move an article between
    channels or creators, so its hot-set members are re-scored in place. Returns the rows."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    public = Article.objects.public().filter(pk__in=ids).only(*SCORE_FIELDS)
    rows = [_score_row(article) for article in public]
    with transaction.atomic():
        _upsert(rows)
    if redis_store.enabled():
        for row in rows:
            redis_store.put(
                old=None,
                new=_member(row),
                channel_id=row.channel_id,
                old_channel_id=row.channel_id,
                score=row.hot,
            )
    return len(rows)


def scores_rebuild(*, batch_size: int = 2000) -> int:
    """Recompute every score row from the article table (after bulk loads, imports or a change
    of constants), then rebuild the Redis sets. Returns the number of public articles."""
    public = Article.objects.public()
    count = 0
    with transaction.atomic():
        ArticleScore.objects.exclude(article__in=public).delete()
        rows = []
        for article in public.only(*SCORE_FIELDS).iterator(chunk_size=batch_size):
            rows.append(_score_row(article))
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
