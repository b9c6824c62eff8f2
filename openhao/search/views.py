from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openhao.common.cache import LISTS_TAG, add_cache_tags, public_page, skip_page_cache

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
    if found.late:
        skip_page_cache(request)
    return TemplateResponse(
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
