from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from openhao.common import edge
from openhao.common.cache import (
    LISTS_TAG,
    add_cache_tags,
    article_tag,
    creator_tag,
    fragment,
    is_care_mode,
    public_page,
)
from openhao.creators import selectors as creator_selectors
from openhao.ranking import selectors as ranking

from . import fragments, poster, selectors
from .renditions import body_with_renditions
from .share import article_url, qr_png, share_links


@require_safe
@public_page
def home(request):
    add_cache_tags(request, LISTS_TAG)
    return TemplateResponse(
        request,
        "articles/home.html",
        {
            "top_stories": ranking.top_stories(limit=10),
            "hot_html": fragments.hot_list_html(),
            "boxes_html": fragments.channel_boxes_html(),
            "feed": ranking.feed_page(),
        },
    )


@require_safe
@public_page
def platform(request):
    """The 号 platform's own front page: newest creator articles and how to join."""
    add_cache_tags(request, LISTS_TAG)
    page = selectors.paginate(selectors.platform_articles(), request.GET.get("page"))
    return TemplateResponse(
        request,
        "articles/platform.html",
        {"page": page, "hot_html": fragments.hot_list_html()},
    )


@require_safe
@public_page
def channel_detail(request, slug):
    add_cache_tags(request, LISTS_TAG)
    channel = selectors.channel_get(slug)
    page = selectors.paginate(selectors.channel_articles(channel), request.GET.get("page"))
    return TemplateResponse(
        request,
        "articles/channel.html",
        {
            "channel": channel,
            "page": page,
            "top_stories": ranking.top_stories(channel=channel, limit=5),
            "hot_html": fragments.hot_list_html(),
        },
    )


@require_safe
@public_page
def topic_detail(request, name):
    add_cache_tags(request, LISTS_TAG)
    topic = selectors.topic_get(name)
    page = selectors.paginate(selectors.topic_articles(topic), request.GET.get("page"))
    return TemplateResponse(
        request,
        "articles/topic.html",
        {"topic": topic, "page": page, "hot_html": fragments.hot_list_html()},
    )


@require_safe
@public_page
def creator_detail(request, pk):
    """The creator page, the 全部 target of the author card: profile and the whole archive,
    paginated. A list of articles like the channel and topic pages, so it lives with them."""
    add_cache_tags(request, creator_tag(pk))
    creator = creator_selectors.creator_get(pk)
    page = selectors.paginate(selectors.creator_articles(creator), request.GET.get("page"))
    return TemplateResponse(request, "creators/detail.html", {"creator": creator, "page": page})


@require_safe
@public_page
def article_detail(request, pk):
    # Site-wide lists on this page (hot, channel boxes) refresh with the page's max-age; only
    # the article itself and its creator invalidate it, so one publish elsewhere does not
    # empty the cache of every article page.
    add_cache_tags(request, article_tag(pk))
    page = selectors.article_page_get(pk)
    add_cache_tags(request, creator_tag(page.article.creator_id))
    context = article_page_context(page.article, references=page.references, topics=page.topics)
    return TemplateResponse(request, "articles/detail.html", context)


def article_page_context(article, *, references=None, topics=None) -> dict:
    """Everything the article page shows; the studio preview renders the same template with
    the same context, so a preview is what readers will see. A preview passes no references
    or topics: they are read from the article it shows (a pending revision's, say)."""
    return {
        "article": article,
        "references": list(article.references.all()) if references is None else references,
        "topics": list(article.topics.all()) if topics is None else topics,
        "body_html": body_with_renditions(article.body_html),
        "creator": article.creator,
        "canonical_url": article_url(article),
        "share": share_links(article),
        "related_html": fragments.related_html(article, limit=6),
        "hot_html": fragments.hot_list_html(exclude_id=article.pk, limit=fragments.HOT_ON_ARTICLE),
        "creator_card_html": fragments.creator_card_html(article.creator, exclude_id=article.pk),
        "boxes_html": fragments.channel_boxes_html(),
        "disclaimer_zh": settings.OPENHAO_DISCLAIMER_ZH.format(site=settings.OPENHAO_SITE_NAME),
        "disclaimer_en": settings.OPENHAO_DISCLAIMER_EN.format(site=settings.OPENHAO_SITE_NAME),
    }


@require_safe
def article_qr(request, pk):
    """PNG QR code of the article's canonical URL, for sharing to WeChat."""
    article = selectors.article_get_public(pk)
    url = article_url(article)
    png = fragment(f"qr:{pk}", [article_tag(pk)], lambda: qr_png(url), timeout=86400)
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_safe
@public_page
def article_poster(request, pk):
    """分享海报: the poster image with its alt text and a download link, in a plain page (no
    script needed). The page is cached per care mode like every page; it points at the
    poster of its own mode."""
    add_cache_tags(request, article_tag(pk))
    article = selectors.article_page_get(pk).article
    add_cache_tags(request, creator_tag(article.creator_id))
    care = is_care_mode(request)
    return TemplateResponse(
        request,
        "articles/poster.html",
        {
            "article": article,
            "creator": article.creator,
            "poster": poster.poster_image(article, care=care),
            "canonical_url": article_url(article),
        },
    )


@require_safe
def article_poster_image(request, pk, care=False):
    """The poster's JPEG. The variant is in the URL rather than read from the care cookie, so
    a proxy, a download and a shared link all get the same picture. Drawn once per article
    and variant (poster.poster_jpeg); browsers revalidate with the ETag, shared caches keep it
    for a page's lifetime and the edge purges it with the article's tags."""
    article = selectors.article_page_get(pk).article
    jpeg = poster.poster_jpeg(article, care=care)
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["ETag"] = f'"{poster.jpeg_etag(jpeg)}"'
    response["Content-Disposition"] = f'inline; filename="{poster.file_name(pk, care=care)}"'
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.OPENHAO_PAGE_CACHE_SECONDS
    )
    if edge.edge_configured():
        response[edge.TAG_HEADER] = f"{article_tag(pk)} {creator_tag(article.creator_id)}"
    return response
