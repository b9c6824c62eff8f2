"""Ranking reads: 热点推荐, 相关推荐 and 要闻.

These are the foundation's simple rules. Views and templates only call these functions, so the
discovery work can replace the rules (scores, keywords, Redis sorted sets) without touching them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from openhao.articles.models import Article, Channel
from openhao.articles.selectors import list_queryset, union_lists
from openhao.common.cache import LISTS_TAG, fragment


def _hot(limit: int) -> list[Article]:
    since = timezone.now() - timedelta(hours=settings.OPENHAO_HOT_WINDOW_HOURS)
    # article_pub_idx bounds the scan to the window; the sort is over that window only.
    return list(
        list_queryset()
        .filter(published_at__gte=since)
        .order_by("-view_count", "-published_at")[:limit]
    )


def hot_articles(*, limit: int = 10, exclude_id: int | None = None) -> list[Article]:
    """Most read in the rolling window (default 72 h). One extra item is cached so the article
    being read can be left out without a second query."""
    items = fragment(f"hot:{limit}", [LISTS_TAG], lambda: _hot(limit + 1), timeout=120)
    return [a for a in items if a.pk != exclude_id][:limit]


def related_articles(article: Article, *, limit: int = 6) -> list[Article]:
    """Newest in the same channel (article_channel_pub_idx), the article itself excluded."""
    return list(
        list_queryset()
        .filter(channel_id=article.channel_id)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-id")[:limit]
    )


def _top_stories(channel_id: int | None, limit: int) -> list[Article]:
    base = list_queryset()
    if channel_id is not None:
        base = base.filter(channel_id=channel_id)
    pinned = base.filter(is_pinned=True).order_by("-published_at")[:limit]
    newest = base.filter(is_pinned=False).order_by("-published_at")[:limit]
    items = union_lists([pinned, newest])
    items.sort(key=lambda a: (not a.is_pinned, -a.published_at.timestamp()))
    return items[:limit]


def top_stories(*, channel: Channel | None = None, limit: int = 8) -> list[Article]:
    """要闻: staff-pinned items first, then the newest (article_pinned_idx, article_pub_idx)."""
    channel_id = channel.pk if channel else None
    return fragment(
        f"top:{channel_id}:{limit}", [LISTS_TAG], lambda: _top_stories(channel_id, limit)
    )
