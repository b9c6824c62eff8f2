"""Cache tags of the feeds app (one function per kind of tag, see openhao/common/cache.py)."""

from django.conf import settings


def sitemap_range_page(article_id: int) -> int:
    """The article sitemap page (1-based) whose fixed id range holds ``article_id``."""
    return (int(article_id) - 1) // settings.OPENHAO_SITEMAP_PAGE_SIZE + 1


def sitemap_articles_tag(page: int) -> str:
    """The tag of one article sitemap page. The page size is part of it: after a change of
    ``OPENHAO_SITEMAP_PAGE_SIZE`` page 3 is another id range, never served from the old entry."""
    return f"sitemap-articles:{settings.OPENHAO_SITEMAP_PAGE_SIZE}:{int(page)}"
