"""Reads for 数据中心: day-by-day series (zero-filled) and totals. Totals come from the
articles' own counters, the same numbers the public pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from openhao.articles.models import Article
from openhao.creators.models import Creator

from .models import ArticleDailyStats, CreatorDailyStats

PERIODS = (30, 90)
METRICS = ("reads", "likes", "comments", "shares", "new_followers")


@dataclass
class Series:
    days: list[date]
    values: dict[str, list[int]]

    def rows(self):
        for i, day in enumerate(self.days):
            yield day, [self.values[m][i] for m in METRICS]


def _days(period: int) -> list[date]:
    today = timezone.localdate()
    return [today - timedelta(days=period - 1 - i) for i in range(period)]


def _fill(days, rows, metrics) -> dict[str, list[int]]:
    index = {d: i for i, d in enumerate(days)}
    values = {m: [0] * len(days) for m in metrics}
    for row in rows:
        i = index.get(row["day"])
        if i is not None:
            for m in metrics:
                values[m][i] = row[m] or 0
    return values


def creator_series(creator: Creator, period: int) -> Series:
    days = _days(period)
    # Index article_stats_creator_idx (creator, day).
    article_rows = (
        ArticleDailyStats.objects.filter(creator=creator, day__gte=days[0])
        .values("day")
        .annotate(
            reads=Sum("reads"), likes=Sum("likes"), comments=Sum("comments"), shares=Sum("shares")
        )
    )
    values = _fill(days, article_rows, ("reads", "likes", "comments", "shares"))
    # Unique constraint creator_stats_one_per_day (creator, day) serves this range.
    follow_rows = CreatorDailyStats.objects.filter(creator=creator, day__gte=days[0]).values(
        "day", "new_followers"
    )
    values.update(_fill(days, follow_rows, ("new_followers",)))
    return Series(days, values)


def article_series(article: Article, period: int) -> Series:
    days = _days(period)
    # Unique constraint article_stats_one_per_day (article, day) serves this range.
    rows = ArticleDailyStats.objects.filter(article=article, day__gte=days[0]).values(
        "day", "reads", "likes", "comments", "shares"
    )
    values = _fill(days, rows, ("reads", "likes", "comments", "shares"))
    values["new_followers"] = [0] * len(days)  # followers belong to the creator, not an article
    return Series(days, values)


def creator_totals(creator: Creator) -> dict[str, int]:
    """All-time totals over the creator's public articles: the sums of the counters shown on
    their article pages, and the 关注度 shown on the author card."""
    totals = (
        Article.objects.public()
        .filter(creator=creator)
        .aggregate(
            reads=Sum("view_count"),
            likes=Sum("like_count"),
            comments=Sum("comment_count"),
            shares=Sum("share_count"),
        )
    )
    totals = {k: v or 0 for k, v in totals.items()}
    totals["followers"] = creator.follower_count
    totals["articles"] = creator.article_count
    return totals


def creator_article_table(creator: Creator):
    return (
        Article.objects.public()
        .filter(creator=creator)
        .only(
            "id",
            "title",
            "published_at",
            "view_count",
            "like_count",
            "comment_count",
            "share_count",
            "creator_id",
        )
        .order_by("-published_at")[:50]
    )
