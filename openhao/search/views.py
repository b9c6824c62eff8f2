from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openhao.common.cache import LISTS_TAG, add_cache_tags, public_page

from . import selectors


@require_safe
@public_page
def results(request):
    # Results change with any publish, so they share the lists tag (and the page max-age).
    add_cache_tags(request, LISTS_TAG)
    found = selectors.search(
        q=request.GET.get("q", ""),
        channel_slug=request.GET.get("channel", ""),
        period=request.GET.get("period", ""),
        page_number=request.GET.get("page"),
    )
    response = TemplateResponse(
        request,
        "search/results.html",
        {
            "found": found,
            "channels": selectors.channels(),
            "periods": [
                ("", _("不限时间")),
                ("1d", _("一天内")),
                ("7d", _("一周内")),
                ("30d", _("一月内")),
                ("365d", _("一年内")),
            ],
        },
    )
    if found.late:
        # The engine's order because the model was late: this request's only, never cached
        # (the next request of the query has the meaning; docs/search.md).
        add_never_cache_headers(response)
    return response
