"""Recording engagement per day. The engagement features (reading, likes, comments, shares,
follows) call ``stats_record`` next to the counter they bump, so the daily rows add up to the
public counters for everything that happened after they started recording."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
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
