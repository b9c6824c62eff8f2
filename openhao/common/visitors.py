"""Who is reading, for counting once per visitor: the signed-in user, else an anonymous id
cookie (set by the personal fragment, which every page loads), else a hash of address and
browser. Also the bot filter for read and share beacons."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.http import HttpRequest, HttpResponse

VISITOR_COOKIE = "oh_vid"
VISITOR_COOKIE_AGE = 365 * 24 * 3600
_VALID_ID = re.compile(r"^[0-9a-f]{32}$")
# Crawlers, link previewers, monitors and scripts. Most never run JavaScript and so never send
# the beacon; these are the ones that do, or that replay it.
BOT_UA = re.compile(
    r"bot|crawl|spider|slurp|baiduspider|bytespider|yisouspider|sogou|360spider|"
    r"headless|phantomjs|lighthouse|pagespeed|preview|monitor|curl|wget|python-|"
    r"java/|go-http|okhttp|httpclient|scrapy|axios|node-fetch",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or bool(BOT_UA.search(agent))


def visitor_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    cookie = request.COOKIES.get(VISITOR_COOKIE, "")
    if _VALID_ID.match(cookie):
        return f"v{cookie}"
    raw = f"{request.META.get('REMOTE_ADDR', '')}|{request.META.get('HTTP_USER_AGENT', '')}"
    return "h" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def ensure_visitor_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Give an anonymous visitor an id (only on private responses: a cached page never sets
    cookies)."""
    if not _VALID_ID.match(request.COOKIES.get(VISITOR_COOKIE, "")):
        response.set_cookie(
            VISITOR_COOKIE,
            secrets.token_hex(16),
            max_age=VISITOR_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
        )
