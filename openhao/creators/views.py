from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from openhao.articles import selectors as article_selectors
from openhao.common.cache import add_cache_tags, public_page

from . import selectors


@require_safe
@public_page
def creator_detail(request, pk):
    """The 全部 target of the author card: profile and the whole archive, paginated."""
    add_cache_tags(request, f"creator:{pk}")
    creator = selectors.creator_get(pk)
    page = article_selectors.paginate(
        article_selectors.creator_articles(creator), request.GET.get("page")
    )
    return TemplateResponse(request, "creators/detail.html", {"creator": creator, "page": page})
