"""Recording engagement per day. The engagement features (reading, likes, comments, shares,
follows) call ``stats_record`` next to the counter they bump, so the daily rows add up to the
public counters for everything that happened after they started recording."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone

from openhao.articles.models import Article
from openhao.creators.models import Creator

from .models import ArticleDailyStats, CreatorDailyStats

ARTICLE_METRICS = ("reads", "likes", "comments", "shares")


def _today() -> date:
    return timezone.localdate()  # the creator's day is the Beijing calendar day


def stats_record(*, article: Article, metric: str, amount: int = 1, day: date | None = None):
    """Add ``amount`` to one article's ``metric`` (reads, likes, comments, shares) for ``day``."""
    if metric not in ARTICLE_METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    day = day or _today()
    updated = ArticleDailyStats.objects.filter(article=article, day=day).update(
        **{metric: F(metric) + amount}
    )
    if updated:
        return
    try:
        with transaction.atomic():
            ArticleDailyStats.objects.create(
                article=article, creator_id=article.creator_id, day=day, **{metric: amount}
            )
    except IntegrityError:  # another request created today's row first
        ArticleDailyStats.objects.filter(article=article, day=day).update(
            **{metric: F(metric) + amount}
        )


def stats_record_follow(*, creator: Creator, amount: int = 1, day: date | None = None):
    """A new follower (or, with a negative amount, one fewer) for ``creator`` on ``day``."""
    day = day or _today()
    updated = CreatorDailyStats.objects.filter(creator=creator, day=day).update(
        new_followers=F("new_followers") + amount
    )
    if updated:
        return
    try:
        with transaction.atomic():
            CreatorDailyStats.objects.create(creator=creator, day=day, new_followers=max(amount, 0))
    except IntegrityError:
        CreatorDailyStats.objects.filter(creator=creator, day=day).update(
            new_followers=F("new_followers") + amount
        )


def stats_record_reads(increments: dict[int, int], day: date | None = None) -> None:
    """Add a flush of buffered reads (article id → reads) to the day's rows: one UPDATE for the
    rows that exist, one INSERT for the rest, so a flush costs the same whatever its size."""
    if not increments:
        return
    day = day or _today()
    ids = sorted(increments)
    existing = set(
        ArticleDailyStats.objects.filter(day=day, article_id__in=ids).values_list(
            "article_id", flat=True
        )
    )
    with transaction.atomic():
        if existing:
            ArticleDailyStats.objects.filter(day=day, article_id__in=existing).update(
                reads=F("reads")
                + Case(
                    *[When(article_id=pk, then=Value(increments[pk])) for pk in existing],
                    default=Value(0),
                    output_field=PositiveIntegerField(),
                )
            )
        missing = [pk for pk in ids if pk not in existing]
        creators = dict(
            Article.objects.filter(pk__in=missing).values_list("pk", "creator_id").iterator()
        )
        rows = [
            ArticleDailyStats(article_id=pk, creator_id=creators[pk], day=day, reads=increments[pk])
            for pk in missing
            if pk in creators
        ]
        try:
            with transaction.atomic():
                ArticleDailyStats.objects.bulk_create(rows)
        except IntegrityError:  # a like or comment created one of today's rows meanwhile
            for row in rows:
                stats_record(article=row.article, metric="reads", amount=row.reads, day=day)
