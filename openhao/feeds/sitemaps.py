"""Sitemaps written as plain strings: a page of 5,000 URLs through a template (or through
``django.contrib.sitemaps``, which also pages with OFFSET and COUNT) costs several times the
query that reads it. Each article, creator and topic sitemap page covers a fixed id range
(``?p=N`` is ids ``(N-1)*size+1 … N*size``), so the last page costs what the first does."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse

from openhao.common.urls import url_for_pk

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _w3c(moment: datetime | str) -> str:
    if isinstance(moment, str):  # formatted by the database (selectors.W3CDateTime)
        return moment
    # Stored and read in UTC: isoformat gives "2026-12-02T13:55:35+00:00" (W3C datetime).
    return moment.replace(microsecond=0).isoformat()


_PLACEHOLDER = "918273645"


def _pk_url_template(viewname: str) -> str:
    """The absolute, escaped URL of an object by integer key as a format string: one
    reverse() per page, not per URL (as openhao.common.urls)."""
    path = reverse(viewname, args=[int(_PLACEHOLDER)])
    return escape(settings.OPENHAO_BASE_URL + path.replace(_PLACEHOLDER, "{}"))


def index_xml(locations: Iterable[str]) -> str:
    parts = [XML_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    parts.extend(f"<sitemap><loc>{escape(loc)}</loc></sitemap>\n" for loc in locations)
    parts.append("</sitemapindex>\n")
    return "".join(parts)


def urlset_xml(entries: Iterable[tuple[str, datetime | None]]) -> str:
    parts = [XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}">\n']
    for loc, lastmod in entries:
        if lastmod is None:
            parts.append(f"<url><loc>{escape(loc)}</loc></url>\n")
        else:
            parts.append(f"<url><loc>{escape(loc)}</loc><lastmod>{_w3c(lastmod)}</lastmod></url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)


def articles_xml(rows) -> str:
    """The urlset of one article sitemap page; the hot loop of the 1M-article site, so it
    formats strings directly (ids are digits and the base is escaped once)."""
    url = _pk_url_template("articles:detail")
    parts = [XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}">\n']
    parts.extend(
        f"<url><loc>{url.format(pk)}</loc><lastmod>{_w3c(changed)}</lastmod></url>\n"
        for pk, changed in rows
    )
    parts.append("</urlset>\n")
    return "".join(parts)


def creator_entries(ids) -> list[tuple[str, None]]:
    base = settings.OPENHAO_BASE_URL
    return [(base + url_for_pk("articles:creator", pk), None) for pk in ids]


def topic_entries(names) -> list[tuple[str, None]]:
    base = settings.OPENHAO_BASE_URL
    return [(base + reverse("articles:topic", args=[name]), None) for name in names]


def channel_entries(slugs) -> list[tuple[str, None]]:
    base = settings.OPENHAO_BASE_URL
    return [(base + reverse("articles:channel", args=[slug]), None) for slug in slugs]


def news_xml(rows) -> str:
    """The Google News sitemap: each article with its publication, language, time and
    title."""
    base = settings.OPENHAO_BASE_URL
    name = escape(f"{settings.OPENHAO_SITE_NAME}号")
    parts = [XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n']
    for pk, title, published in rows:
        parts.append(
            f"<url><loc>{escape(base + url_for_pk('articles:detail', pk))}</loc>"
            "<news:news><news:publication>"
            f"<news:name>{name}</news:name><news:language>zh-cn</news:language>"
            f"</news:publication><news:publication_date>{_w3c(published)}"
            f"</news:publication_date><news:title>{escape(title)}</news:title>"
            "</news:news></url>\n"
        )
    parts.append("</urlset>\n")
    return "".join(parts)


def page_url(name: str, page: int | None = None) -> str:
    url = settings.OPENHAO_BASE_URL + reverse(name)
    return url if page is None else f"{url}?p={page}"
