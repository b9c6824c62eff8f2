"""Comments are plain text. Rendering escapes everything, turns URLs into links and line breaks
into <br>, then passes the result through nh3 with only <a href> and <br> allowed (http/https
links, rel=nofollow ugc noopener), so even a bug in the first step cannot let markup through."""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.html import urlize

_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_comment(text: str) -> str:
    """Trim, unify line ends, drop control and format characters (zero-width, bidi overrides)
    and squeeze runs of blank lines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    return _BLANK_LINES.sub("\n\n", text).strip()


def render_comment(text: str) -> str:
    html = urlize(text, trim_url_limit=50, nofollow=True, autoescape=True).replace("\n", "<br>")
    return nh3.clean(
        html,
        tags={"a", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener noreferrer",
    )
