from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from openhao.common.cache import LISTS_TAG, add_cache_tags, public_page

from . import selectors


@require_safe
@public_page
def feed(request):
    """推荐 as a full page: what the "更多" link opens without JavaScript."""
    add_cache_tags(request, LISTS_TAG)
    page = selectors.feed_page(cursor=request.GET.get("cursor"))
    return TemplateResponse(request, "ranking/feed.html", {"feed": page})


@require_safe
@public_page
def feed_more(request):
    """The next items of the feed as an HTML fragment, for htmx's infinite scroll."""
    add_cache_tags(request, LISTS_TAG)
    page = selectors.feed_page(cursor=request.GET.get("cursor"))
    return TemplateResponse(request, "ranking/feed_items.html", {"feed": page})
