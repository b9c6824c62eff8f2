"""RSS 2.0 and Atom feeds (Django's syndication framework) of the site, a channel, a creator
and a topic.

Every URL in a feed is absolute and built from ``OPENHAO_BASE_URL``, never from the request's
Host header, so a cached feed is the same for everyone and cannot be poisoned (as the pages:
docs/caching.md). An item's description is its summary; with ``OPENHAO_FEED_FULL_TEXT`` the
sanitised body goes beside it (``content:encoded`` in RSS, ``<content>`` in Atom), with its
links and images made absolute. The cover image is the item's enclosure."""

from __future__ import annotations

import mimetypes
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from openhao.articles import selectors as article_selectors
from openhao.articles.models import Article, Channel, Topic
from openhao.common.urls import url_for_pk

from . import selectors

_RELATIVE = re.compile(r'(\s(?:src|href)=")/(?!/)')


def absolute(path: str) -> str:
    return path if "://" in path[:12] or path.startswith("//") else settings.OPENHAO_BASE_URL + path


def absolute_html(html: str) -> str:
    """Root-relative ``src``/``href`` in a body made absolute: a feed reader shows the body
    on another site."""
    return _RELATIVE.sub(rf"\1{settings.OPENHAO_BASE_URL}/", html)


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with the full text in ``content:encoded`` (the RSS content module)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class ArticleFeed(Feed):
    """The site's newest articles; subclasses narrow the list to one object."""

    feed_type = RssWithContent
    language = "zh-cn"

    def title(self, obj=None):
        return _("%(site)s号 最新文章") % {"site": settings.OPENHAO_SITE_NAME}

    def description(self, obj=None):
        return _("%(site)s号创作者的最新文章") % {"site": settings.OPENHAO_SITE_NAME}

    def link(self, obj=None):
        return absolute(reverse("home"))

    def feed_url(self, obj=None):
        return absolute(self.request_path)

    def get_object(self, request, *args, **kwargs):
        # Views make one instance per request, so this is not shared between threads.
        self.request_path = request.path
        return None

    def items(self, obj=None):
        return selectors.feed_articles()

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return absolute(url_for_pk("articles:detail", item.pk))

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    def item_author_name(self, item: Article) -> str:
        return item.creator.display_name

    def item_author_link(self, item: Article) -> str:
        return absolute(url_for_pk("articles:creator", item.creator_id))

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.edited_at or item.published_at

    def item_categories(self, item: Article):
        return [item.channel.name, *(t.name for t in item.topics.all())]

    def item_enclosures(self, item: Article):
        if not item.cover:
            return []
        mime = mimetypes.guess_type(item.cover.name)[0] or "image/jpeg"
        # The length is not known without asking the storage per item; RSS readers take "0"
        # as unknown.
        return [Enclosure(absolute(item.cover.url), "0", mime)]

    def item_extra_kwargs(self, item: Article) -> dict:
        if settings.OPENHAO_FEED_FULL_TEXT:
            return {"content": absolute_html(item.body_html)}
        return {}


class AtomMixin:
    feed_type = AtomWithContent

    def subtitle(self, obj=None):
        return self.description(obj)


class ChannelFeed(ArticleFeed):
    def get_object(self, request, slug):
        super().get_object(request)
        return article_selectors.channel_get(slug)

    def title(self, obj: Channel):
        return _("%(site)s号 · %(channel)s") % {
            "site": settings.OPENHAO_SITE_NAME,
            "channel": obj.name,
        }

    def description(self, obj: Channel):
        return _("%(channel)s频道的最新文章") % {"channel": obj.name}

    def link(self, obj: Channel):
        return absolute(obj.get_absolute_url())

    def items(self, obj: Channel):
        return selectors.feed_articles(channel=obj)


class CreatorFeed(ArticleFeed):
    def get_object(self, request, pk):
        super().get_object(request)
        creator = selectors.creator_get(pk)
        if creator is None:
            raise Http404("creator not found")
        return creator

    def title(self, obj):
        return obj.display_name

    def description(self, obj):
        return obj.motto or _("%(name)s的最新文章") % {"name": obj.display_name}

    def link(self, obj):
        return absolute(url_for_pk("articles:creator", obj.pk))

    def items(self, obj):
        return selectors.feed_articles(creator_id=obj.pk)


class TopicFeed(ArticleFeed):
    def get_object(self, request, name):
        super().get_object(request)
        return article_selectors.topic_get(name)

    def title(self, obj: Topic):
        return f"#{obj.name}#"

    def description(self, obj: Topic):
        return obj.description or _("话题 #%(name)s# 的最新文章") % {"name": obj.name}

    def link(self, obj: Topic):
        return absolute(obj.get_absolute_url())

    def items(self, obj: Topic):
        return selectors.feed_articles(topic=obj)


class SiteAtomFeed(AtomMixin, ArticleFeed):
    pass


class ChannelAtomFeed(AtomMixin, ChannelFeed):
    pass


class CreatorAtomFeed(AtomMixin, CreatorFeed):
    pass


class TopicAtomFeed(AtomMixin, TopicFeed):
    pass
