"""繁简: serve any page in Simplified (as written) or Traditional characters.

The reader's choice lives in one cookie (``oh_script``). Pages are converted on the server with
OpenCC after rendering: only the text between tags is converted; tags and their attributes
(href, src, ids, values), ``<script>``, ``<style>``, ``<textarea>`` (a creator's own text being
edited must be saved as typed) and comments are left byte for byte. The choice joins the
care-mode flag in the page cache key and the edge cache's key (docs/scripts.md), so a converted
page is converted once per page and variant.
"""

from __future__ import annotations

import re
from functools import cache

from django.http import HttpRequest, HttpResponse
from opencc import OpenCC

SCRIPT_COOKIE = "oh_script"
SIMPLIFIED = "hans"
# cookie value -> (OpenCC configuration, <html lang>)
SCRIPTS = {
    "hant": ("s2t", "zh-Hant"),
    "tw": ("s2twp", "zh-Hant-TW"),  # Taiwan characters and phrases (软件 → 軟體)
    "hk": ("s2hk", "zh-Hant-HK"),  # Hong Kong characters (软件 → 軟件)
}
CHOICES = (SIMPLIFIED, *SCRIPTS)
# Labels are written in the script they choose (converted pages leave 简体 as 簡體: still legible).
SCRIPT_LABELS = (
    (SIMPLIFIED, "简体"),
    ("tw", "繁體（台灣）"),
    ("hk", "繁體（香港）"),
)

# Pieces of HTML that are not converted; everything between them is text.
_SKIP_RE = re.compile(
    r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<textarea\b.*?</textarea\s*>"
    r"|<!--.*?-->|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
_HTML_LANG_RE = re.compile(r'<html lang="zh-CN"', re.IGNORECASE)
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def get_script(request: HttpRequest) -> str:
    value = request.COOKIES.get(SCRIPT_COOKIE)
    return value if value in SCRIPTS else SIMPLIFIED


@cache
def _converter(script: str) -> OpenCC:
    return OpenCC(SCRIPTS[script][0])


def convert_text(text: str, script: str) -> str:
    if script not in SCRIPTS or not _CJK_RE.search(text):
        return text
    return _converter(script).convert(text)


def convert_html(html: str, script: str) -> str:
    """``html`` with its text (not its markup) in ``script``; ``<html lang>`` set to match."""
    if script not in SCRIPTS:
        return html
    parts = _SKIP_RE.split(html)
    # split() with one group: even indices are text, odd ones the skipped markup.
    for i in range(0, len(parts), 2):
        if parts[i]:
            parts[i] = convert_text(parts[i], script)
    out = "".join(parts)
    return _HTML_LANG_RE.sub(f'<html lang="{SCRIPTS[script][1]}"', out, count=1)


def convert_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Convert an HTML response in place for the visitor's script (once)."""
    if getattr(response, "_oh_script_done", False):
        return response
    response._oh_script_done = True  # noqa: SLF001
    script = get_script(request)
    if (
        script == SIMPLIFIED
        or getattr(response, "streaming", False)
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return response
    charset = response.charset or "utf-8"
    response.content = convert_html(response.content.decode(charset), script).encode(charset)
    if "Content-Length" in response:
        response["Content-Length"] = str(len(response.content))
    return response


class ScriptMiddleware:
    """Converts every HTML response not converted yet (private pages, htmx fragments); pages
    under ``public_page`` are converted before they are cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return convert_response(request, self.get_response(request))
