"""From a web page (or pasted HTML) to what a draft needs: title, body with sub-headings and
images, references. trafilatura finds the main text; two passes of our own around it keep the
boilerplate of Chinese news pages out of the draft:

- before: elements that are boilerplate by their tag (``nav``, ``aside``, ``footer``, ``form``)
  or by a class/id token (navigation, 热点/排行, 相关/推荐, 评论, 分享, 声明/版权, 频道 boxes,
  ads) are dropped from the page, so trafilatura cannot mistake a long hot list for text;
- after: paragraphs that are a disclaimer or an editor's line (特别声明, 免责声明, 版权声明,
  责任编辑, ...) are dropped, the ``h1`` that repeats the title goes, other ``h1`` become ``h2``.

Images are handed to a ``rehost`` callable (the service downloads them through the fetcher and
stores them like uploads) that returns the new address, or None to drop the image. The result is
still sanitised by ``articles.services.article_create``, like the editor's HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree

BOILERPLATE_TAGS = ("nav", "aside", "footer", "form", "script", "style", "noscript", "iframe")
_BOILERPLATE_TOKEN = re.compile(
    r"(?:^|[-_\s])("
    r"nav|navbar|menu|breadcrumbs?|crumbs?|sidebar|aside|"
    r"related|relate|recommend|recommends|"
    r"hot|hotlist|hotnews|rank|ranking|top10|"
    r"comments?|reply|replies|cmt|"
    r"share|sharebar|social|"
    r"disclaimer|statement|copyright|declare|"
    r"footer|topbar|top-bar|"
    r"ad|ads|advert|advertisement|banner|"
    r"channel|channel-box|login|toolbar|subscribe"
    r")(?:[-_\s]|$)",
    re.IGNORECASE,
)
# A paragraph that starts like this is the site's fine print, not the article.
_FINE_PRINT = re.compile(
    r"^\s*[（(【\[]?\s*("
    r"特别声明|免责声明|版权声明|声明[：:]|本文为.{0,20}原创|未经(?:授权|许可).{0,6}(?:转载|使用)|"
    r"责任编辑|责编|编辑[：:]|校对[：:]|本文来源|来源[：:].{0,30}$|原标题[：:]|"
    r"copyright|©|分享到|扫码|打开.{0,6}客户端"
    r")",
    re.IGNORECASE,
)
MAX_REFERENCES = 10


@dataclass
class Extracted:
    title: str
    body_html: str
    sitename: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, absolute URL)
    images_dropped: int = 0


def _is_boilerplate(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in ("html", "body"):
        return False
    if element.tag in BOILERPLATE_TAGS:
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(names.strip()) and bool(_BOILERPLATE_TOKEN.search(names))


def strip_boilerplate(html: str) -> str:
    """The page without the elements that are boilerplate by tag or class/id."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    body = doc.find("body")
    for element in list((body if body is not None else doc).iter()):
        if element.getparent() is not None and _is_boilerplate(element):
            element.drop_tree()
    # trafilatura keeps images but not their <figcaption>: an image without alternative text
    # takes its caption as one, so the creator does not lose it.
    for figure in doc.iter("figure"):
        caption = figure.find(".//figcaption")
        if caption is not None:
            for image in figure.iter("img"):
                if not (image.get("alt") or "").strip():
                    image.set("alt", _text(caption)[:120])
    return lxml.html.tostring(doc, encoding="unicode")


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content() or "").strip()


def _clean_fragment(
    body_html: str, *, title: str, base_url: str, rehost: Callable[[str], str | None] | None
) -> tuple[str, list[tuple[str, str]], int]:
    """Post-pass over the extracted body: fine print, headings, images, links."""
    wrapper = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for element in list(wrapper.iter("p", "div", "section")):
        text = _text(element)
        if element.getparent() is not None and len(text) < 400 and _FINE_PRINT.search(text):
            element.drop_tree()
    for heading in list(wrapper.iter("h1")):
        if _text(heading) == title.strip():
            heading.drop_tree()
        else:
            heading.tag = "h2"
    for heading in wrapper.iter("h5", "h6"):
        heading.tag = "h4"
    dropped = 0
    for image in list(wrapper.iter("img")):
        src = (image.get("src") or image.get("data-src") or "").strip()
        absolute = urljoin(base_url, src) if src else ""
        new = None
        if urlsplit(absolute).scheme in ("http", "https") and rehost is not None:
            new = rehost(absolute)
        if new:
            image.set("src", new)
            image.attrib.pop("data-src", None)
        else:
            dropped += 1
            image.drop_tree()
    for element in list(wrapper.iter("p", "figure", "div")):
        if (
            element.getparent() is not None
            and not _text(element)
            and element.find(".//img") is None
        ):
            element.drop_tree()  # what held a dropped image, or nothing
    links, seen = [], set()
    for anchor in wrapper.iter("a"):
        href = urljoin(base_url, (anchor.get("href") or "").strip())
        if urlsplit(href).scheme not in ("http", "https") or href == base_url or href in seen:
            continue
        seen.add(href)
        anchor.set("href", href)
        links.append((_text(anchor) or href, href))
    html = "".join(
        lxml.html.tostring(child, encoding="unicode") for child in wrapper.iterchildren()
    )
    if wrapper.text and wrapper.text.strip():
        html = f"<p>{escape(wrapper.text.strip())}</p>" + html
    return html, links, dropped


def _container_of(cleaned_html: str, extracted):
    """The element of the page that holds the paragraphs trafilatura chose, when it holds little
    else. trafilatura finds the text well, but on a page without telling class names it may
    keep paragraphs only, losing sub-headings, figures and captions; the page's own container
    of those paragraphs has them. None when the paragraphs are spread so widely that their
    common container is much more than the article (then trafilatura's result stands)."""
    wanted = {
        text
        for text in (_text(p) for p in extracted.iter("p"))
        if len(text) >= 10 and not _FINE_PRINT.search(text)
    }
    if len(wanted) < 2:
        return None
    doc = lxml.html.document_fromstring(cleaned_html)
    matched = [p for p in doc.iter("p") if _text(p) in wanted]
    if len(matched) < 0.8 * len(wanted):
        return None
    ancestors = list(matched[0].iterancestors())
    for other in matched[1:]:
        mine = set(other.iterancestors())
        ancestors = [a for a in ancestors if a in mine]
    if not ancestors or ancestors[0].tag in ("html", "body"):
        return None
    container = ancestors[0]
    extracted_length = sum(len(t) for t in wanted)
    if len(_text(container)) > 1.3 * extracted_length + 200:
        return None
    return container


def extract(
    html: str, *, url: str = "", rehost: Callable[[str], str | None] | None = None
) -> Extracted:
    """Title, cleaned body, site name and the body's links of ``html`` (fetched from ``url``,
    which resolves relative links and images; empty for pasted HTML)."""
    cleaned = strip_boilerplate(html)
    options = {
        "url": url or None,
        "include_images": True,
        "include_links": True,
        "include_formatting": True,
        "include_tables": True,
        "include_comments": False,
        "favor_precision": True,
    }
    metadata = trafilatura.extract_metadata(html, default_url=url or None)
    # A pasted fragment (no <body>, no URL) is the article itself: trafilatura would judge its short
    # headings to be boilerplate. A whole page goes through the extraction.
    whole_page = bool(url) or bool(re.search(r"<body[\s>]", html, re.IGNORECASE))
    body = trafilatura.extract(cleaned, output_format="html", **options) if whole_page else None
    if not body:
        # Short pasted fragments are below trafilatura's minimum: keep them whole (cleaned).
        doc = lxml.html.document_fromstring(cleaned)
        inner = doc.find("body")
        body = lxml.html.tostring(inner if inner is not None else doc, encoding="unicode")
    fragment = lxml.html.document_fromstring(body).find("body")
    container = _container_of(cleaned, fragment) if whole_page else None
    source = container if container is not None else fragment
    inner_html = "".join(
        lxml.html.tostring(child, encoding="unicode") for child in source.iterchildren()
    )
    title = (metadata.title if metadata and metadata.title else "").strip()
    if not title:
        first = fragment.find(".//h1")
        title = _text(first) if first is not None else ""
    body_html, links, dropped = _clean_fragment(
        inner_html or "<p></p>", title=title, base_url=url, rehost=rehost
    )
    return Extracted(
        title=title,
        body_html=body_html,
        sitename=(metadata.sitename if metadata and metadata.sitename else "").strip(),
        links=links[:MAX_REFERENCES],
        images_dropped=dropped,
    )


def rehost_images(
    html: str, *, base_url: str, rehost: Callable[[str], str | None]
) -> tuple[str, int]:
    """A feed item's HTML with its images re-hosted (or dropped); no extraction."""
    if not html.strip():
        return "", 0
    body_html, _links, dropped = _clean_fragment(html, title="", base_url=base_url, rehost=rehost)
    return body_html, dropped
