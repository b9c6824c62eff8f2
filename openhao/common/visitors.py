"""Who is reading, for counting once per visitor: the signed-in user, else an anonymous id
cookie (set by the personal fragment, which every page loads), else a hash of address and
browser. Also the client's address (the unit of the counted-read budgets and of every rate
limit) and the bot filter for read and share beacons.

Visitor ids are signed by the site, so a script cannot make up a new visitor per request for
free: it has to ask the personal fragment for each, from its own address, and the address is
what the budgets limit (openhao/engagement/budget.py)."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets

from allauth import app_settings as allauth_settings
from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.core import signing
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

VISITOR_COOKIE = "oh_vid"
VISITOR_COOKIE_AGE = 365 * 24 * 3600
_SIGNER = signing.Signer(salt="openhao.visitor-id")
_VALID_ID = re.compile(r"^[0-9a-f]{32}$")
# Crawlers, link previewers, monitors and scripts. Most never run JavaScript and so never send
# the beacon; these are the ones that do, or that replay it.
BOT_UA = re.compile(
    r"bot|crawl|spider|slurp|baiduspider|bytespider|yisouspider|sogou|360spider|"
    r"headless|phantomjs|lighthouse|pagespeed|preview|monitor|curl|wget|python-|"
    r"java/|go-http|okhttp|httpclient|scrapy|axios|node-fetch",
    re.IGNORECASE,
)
_proxy_warning_given = False


def is_bot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or bool(BOT_UA.search(agent))


def client_address(request: HttpRequest) -> str:
    """The client's address as the rate limits see it: allauth's, so that one setting
    (``TRUSTED_PROXY_COUNT`` or ``TRUSTED_CLIENT_IP_HEADER``) serves both, with IPv6 addresses
    cut to their /64 (one host can own a whole /64)."""
    global _proxy_warning_given
    if (
        not _proxy_warning_given
        and "HTTP_X_FORWARDED_FOR" in request.META
        and not allauth_settings.TRUSTED_PROXY_COUNT
        and not allauth_settings.TRUSTED_CLIENT_IP_HEADER
    ):
        _proxy_warning_given = True
        logger.warning(
            "X-Forwarded-For is set but TRUSTED_PROXY_COUNT is 0: every client behind the proxy "
            "shares one address for the rate limits and read budgets (docs/deployment.md)"
        )
    return _allauth_ratelimit.get_ip(request)


def visitor_id(request: HttpRequest) -> str | None:
    """The anonymous id this site gave the browser, or None (no cookie, or a made-up one)."""
    try:
        value = _SIGNER.unsign(request.COOKIES.get(VISITOR_COOKIE, ""))
    except signing.BadSignature:
        return None
    return value if _VALID_ID.match(value) else None


def visitor_key(request: HttpRequest) -> str:
    """``u<pk>`` for a signed-in user, ``v<id>`` for a browser with a visitor id, else ``h`` and a
    hash of address and user agent (which a script can vary at will: see is_known_visitor)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return anonymous_visitor_key(request)


def anonymous_visitor_key(request: HttpRequest) -> str:
    """The visitor without looking at the session (which needs the database)."""
    vid = visitor_id(request)
    if vid:
        return f"v{vid}"
    raw = f"{client_address(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return "h" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def is_known_visitor(key: str) -> bool:
    """Is this ``visitor_key`` a signed-in user or a browser carrying an id this site gave it?"""
    return not key.startswith("h")


def ensure_visitor_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Give an anonymous visitor an id (only on private responses: a cached page never sets
    cookies). Secure whenever the request came over HTTPS (directly or through the proxy that
    SECURE_PROXY_SSL_HEADER trusts), so it never travels in clear after that."""
    if visitor_id(request) is None:
        response.set_cookie(
            VISITOR_COOKIE,
            _SIGNER.sign(secrets.token_hex(16)),
            max_age=VISITOR_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
