"""Feeds, sitemaps and robots.txt: public, cached whole like the pages (openhao.common.cache),
each declaring the tags it depends on before anything can raise Http404."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from openhao.common.cache import LISTS_TAG, add_cache_tags, creator_tag, public_page
from openhao.common.params import parse_id

from . import selectors, sitemaps, syndication
from .tags import sitemap_articles_tag

XML = "application/xml; charset=utf-8"


def _feed_view(feed_class, tag=None):
    @require_safe
    @public_page
    def view(request, **kwargs):
        add_cache_tags(request, tag(**kwargs) if tag else LISTS_TAG)
        # A new instance per request: the framework keeps state on it while it writes.
        return feed_class()(request, **kwargs)

    view.__name__ = view.__qualname__ = f"{feed_class.__name__}_view"
    return view


def _creator_tag(pk):
    return creator_tag(pk)


site_rss = _feed_view(syndication.ArticleFeed)
site_atom = _feed_view(syndication.SiteAtomFeed)
channel_rss = _feed_view(syndication.ChannelFeed)
channel_atom = _feed_view(syndication.ChannelAtomFeed)
creator_rss = _feed_view(syndication.CreatorFeed, _creator_tag)
creator_atom = _feed_view(syndication.CreatorAtomFeed, _creator_tag)
topic_rss = _feed_view(syndication.TopicFeed)
topic_atom = _feed_view(syndication.TopicAtomFeed)


def _xml(text: str) -> HttpResponse:
    return HttpResponse(text, content_type=XML)


def _page_number(request) -> int:
    page = parse_id(request.GET.get("p", "1"))
    # A page whose id range would pass the bigint range does not exist.
    if page is None or page > 2**62 // settings.OPENHAO_SITEMAP_PAGE_SIZE:
        raise Http404("no such sitemap page")
    return page


@require_safe
@public_page
def sitemap_index(request):
    add_cache_tags(request, LISTS_TAG)
    locations = [
        sitemaps.page_url("sitemap-channels"),
        sitemaps.page_url("sitemap-news"),
    ]
    for name, pages in (
        ("sitemap-articles", selectors.article_sitemap_pages()),
        ("sitemap-creators", selectors.creator_sitemap_pages()),
        ("sitemap-topics", selectors.topic_sitemap_pages()),
    ):
        locations.extend(sitemaps.page_url(name, p) for p in range(1, pages + 1))
    return _xml(sitemaps.index_xml(locations))


@require_safe
@public_page
def sitemap_articles(request):
    page = _page_number(request)
    add_cache_tags(request, sitemap_articles_tag(page))
    rows = selectors.article_sitemap_rows(page)
    return _xml(sitemaps.articles_xml(rows))


@require_safe
@public_page
def sitemap_creators(request):
    add_cache_tags(request, LISTS_TAG)
    ids = selectors.creator_sitemap_ids(_page_number(request))
    return _xml(sitemaps.urlset_xml(sitemaps.creator_entries(ids)))


@require_safe
@public_page
def sitemap_topics(request):
    add_cache_tags(request, LISTS_TAG)
    names = selectors.topic_sitemap_names(_page_number(request))
    return _xml(sitemaps.urlset_xml(sitemaps.topic_entries(names)))


@require_safe
@public_page
def sitemap_channels(request):
    add_cache_tags(request, LISTS_TAG)
    return _xml(sitemaps.urlset_xml(sitemaps.channel_entries(selectors.channel_slugs())))


@require_safe
@public_page
def sitemap_news(request):
    add_cache_tags(request, LISTS_TAG)
    return _xml(sitemaps.news_xml(selectors.news_rows()))


# Private and personal areas crawlers have no business in (they answer private, no-store or a
# sign-in redirect anyway); search results are noindex pages.
ROBOTS_DISALLOW = ("/accounts/", "/admin/", "/me/", "/review/", "/studio/", "/search/", "/_/")


@require_safe
@public_page
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines += [
        f"Sitemap: {sitemaps.page_url('sitemap-index')}",
        f"Sitemap: {sitemaps.page_url('sitemap-news')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
