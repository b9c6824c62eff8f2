"""Comments are plain text. Rendering escapes everything, turns http(s) URLs into links and line
breaks into <br>, then passes the result through nh3 with only <a href> and <br> allowed
(http/https links, rel=nofollow ugc noopener), so even a bug in the first step cannot let markup
through. URLs are found by a pattern rather than by words (Django's urlize), because Chinese
text puts no space before a link: a URL ends at whitespace or full-width punctuation. An
``@username`` of a creator links to the creator page (readers have no public page), resolved by
the service when the comment is written."""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.html import escape

_BLANK_LINES = re.compile(r"\n{3,}")
_URL = re.compile(r"https?://[^\s<>\"'，。！？、；：“”‘’（）《》【】「」]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
LINK_LABEL = 50
# @username (allauth's usernames: letters, digits and @.+-_; a mention ends before "@" or "."
# at the end so "@小王。" and e-mail addresses do not count).
_MENTION = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})")


def mentioned_names(text: str) -> list[str]:
    """The usernames ``@``-mentioned in a comment, in order, each once."""
    names = (m.group(1).rstrip(".+-") for m in _MENTION.finditer(text or ""))
    return list(dict.fromkeys(n for n in names if n))


def normalise_comment(text: str) -> str:
    """Trim, unify line ends, drop control and format characters (zero-width, bidi overrides)
    and squeeze runs of blank lines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    return _BLANK_LINES.sub("\n\n", text).strip()


def _render_text(text: str, mention_urls: dict[str, str]) -> str:
    """Escaped text with each ``@name`` in ``mention_urls`` made a link to its URL."""
    if not mention_urls:
        return escape(text)
    parts, pos = [], 0
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".+-")
        url = mention_urls.get(name)
        if url is None:
            continue
        end = match.start() + 1 + len(name)
        parts.append(escape(text[pos : match.start()]))
        parts.append(f'<a href="{escape(url)}">@{escape(name)}</a>')
        pos = end
    parts.append(escape(text[pos:]))
    return "".join(parts)


def render_comment(text: str, mention_urls: dict[str, str] | None = None) -> str:
    """The comment's HTML: URLs as links, then, in the text between them (a URL's own "@" is
    no mention), ``@name`` as a link for each name in ``mention_urls`` (name → a path on this
    site, from the service)."""
    mention_urls = mention_urls or {}
    parts, pos = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if len(url) <= len("https://"):
            continue
        parts.append(_render_text(text[pos : match.start()], mention_urls))
        label = url if len(url) <= LINK_LABEL else url[: LINK_LABEL - 1] + "…"
        parts.append(f'<a href="{escape(url)}">{escape(label)}</a>')
        pos = match.start() + len(url)
    parts.append(_render_text(text[pos:], mention_urls))
    html = "".join(parts).replace("\n", "<br>")
    return nh3.clean(
        html,
        tags={"a", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener noreferrer",
    )
