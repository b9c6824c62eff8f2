"""Rendered HTML of the site-wide blocks that many pages share (navigation, hot list, channel
boxes), cached by tag. Caching the HTML rather than the model instances saves both the
unpickling of a few hundred objects and their rendering (URL reversing included) on every page
that misses the page cache. Care mode changes only styles, so one HTML serves both modes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from openhao.common.cache import LISTS_TAG, article_tag, creator_tag, fragment
from openhao.ranking import selectors as ranking

from . import selectors


def _render(template: str, context: dict) -> SafeString:
    return mark_safe(render_to_string(template, context))  # noqa: S308 (template output)


def nav_html() -> SafeString:
    return fragment(
        "html:nav",
        [LISTS_TAG],
        lambda: _render("includes/channel_nav.html", {"channels": selectors.nav_channels()}),
    )


def channel_boxes_html() -> SafeString:
    return fragment(
        "html:channel-boxes",
        [LISTS_TAG],
        lambda: _render("includes/channel_boxes.html", {"sections": selectors.channel_boxes()}),
    )


# 热点推荐 on the article page: about twenty, with thumbnails, as on the reference page. Lists
# beside other content (home, channel, topic) keep the default ten.
HOT_ON_ARTICLE = 20


def hot_list_html(*, exclude_id: int | None = None, limit: int = 10) -> SafeString:
    """The 热点推荐 block. Keyed by the ids it shows, so the article being read can be left out
    while every page outside the list shares one copy; the articles are loaded only to render
    a copy that is not cached yet."""
    ids = ranking.hot_article_ids(limit=limit, exclude_id=exclude_id)
    shown = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    return fragment(
        f"html:hot:{shown}",
        [LISTS_TAG],
        lambda: _render("includes/hot_list.html", {"hot": selectors.articles_in_order(ids)}),
        timeout=120,
    )


PAST_ITEMS = 5


def creator_card_html(creator, *, exclude_id: int | None = None) -> SafeString:
    """The author card with 往期回顾, cached per creator: badges, counts and the latest articles
    change only through writes that bump the creator's tag. The latest are cached as ids, and
    loaded only to render a copy that is not cached yet."""
    tags = [creator_tag(creator.pk)]
    latest = fragment(
        f"creator-latest-ids:{creator.pk}",
        tags,
        lambda: selectors.creator_latest_ids(creator.pk, limit=PAST_ITEMS + 1),
    )
    past = [i for i in latest if i != exclude_id][:PAST_ITEMS]
    shown = hashlib.sha256(",".join(map(str, past)).encode()).hexdigest()[:16]
    return fragment(
        f"html:creator-card:{creator.pk}:{shown}",
        tags,
        lambda: _render(
            "includes/creator_card.html",
            {"creator": creator, "past": selectors.articles_in_order(past)},
        ),
    )


def related_html(article, *, limit: int = 6) -> SafeString:
    """相关推荐 under the article, rendered once per article. The stored list changes only when
    the article is indexed again (publish, edit, the nightly refresh), and the block is as
    stale as the page around it: tied to the article's tag and kept for a page's lifetime, so
    the care-mode copy, the studio preview and a page that expired reuse it."""
    return fragment(
        f"html:related:{article.pk}:{limit}",
        [article_tag(article.pk)],
        lambda: _render(
            "includes/article_list.html",
            {"articles": ranking.related_articles(article, limit=limit)},
        ),
        timeout=settings.OPENHAO_PAGE_CACHE_SECONDS,
    )
