"""Whole-page and fragment caching with invalidation by tag.

Every anonymous page is the same bytes for every visitor, so it can be cached here and by a
reverse proxy or CDN. A cached entry records the tags it depends on (``article:12``,
``creator:3``, ``lists``) together with each tag's version at render time; bumping a tag's
version (``bump_tags``) makes every entry that recorded it stale at once, without having to know
the entries' keys. Versions are random tokens rather than counters, so a version evicted from the
cache can never come back equal to an old one.

The only per-visitor inputs a cached page may depend on are the care-mode flag and the script
(简体/繁體, docs/scripts.md), which are part of the key (and of the proxy's key: see
docs/caching.md). Pages are converted to the script before they are stored. Views under
``public_page`` may not read
``request.user`` or the session: a guard raises, because that would leak one visitor's data to
every other. Nor may they use the Content-Security-Policy nonce (``request.csp_nonce``): the
cached bytes go out under many responses, each with its own header, so a nonce baked into them
would be wrong for all but the first and readable by anyone for as long as the entry lives.
Cached pages therefore load only the site's own static scripts and stylesheets (docs/caching.md).

While Redis is unreachable (``redis_cache.RedisCache.unavailable``) pages and fragments are
rendered from the database and stored nowhere (``X-Page-Cache: bypass``; the response keeps its
public headers, so a proxy in front still absorbs most of the load). Tags bumped meanwhile are
bumped again once Redis answers: it may come back with the pages cached before the outage.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri

from . import edge, redis_health
from .metrics import FRAGMENT_CACHE, PAGE_CACHE
from .scripts import convert_response, get_script

CARE_COOKIE = "oh_care"
KEY_PREFIX = "oh:v1"
LISTS_TAG = "lists"


def article_tag(article_id: int) -> str:
    """The tag of everything that shows one article (its page, QR code, comments block)."""
    return f"article:{article_id}"


def creator_tag(creator_id: int) -> str:
    """The tag of everything that shows one creator (the creator page, the author card)."""
    return f"creator:{creator_id}"


def is_care_mode(request: HttpRequest) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


def _tag_key(tag: str) -> str:
    return f"{KEY_PREFIX}:tag:{tag}"


def tag_versions(tags: Iterable[str], found: dict | None = None) -> dict[str, str]:
    """Current version of each tag, creating the missing ones. ``found``: the tag keys a
    caller already read (in the same ``get_many`` as its entry), so they are not read again."""
    tags = list(dict.fromkeys(tags))
    if found is None:
        found = cache.get_many([_tag_key(t) for t in tags])
    versions = {}
    missing = {}
    for tag in tags:
        version = found.get(_tag_key(tag))
        if version is None:
            version = uuid.uuid4().hex
            missing[_tag_key(tag)] = version
        versions[tag] = version
    if missing:
        cache.set_many(missing, timeout=None)
    return versions


def _cache_unavailable() -> bool:
    """Redis is known to be away and not due for a retry: do not even try to read."""
    return getattr(cache, "unavailable", False)


def _cache_healthy() -> bool:
    """Redis answered the last call: what is stored reaches it (and not a process's memory)."""
    return getattr(cache, "healthy", True)


_unsent_bumps: set[str] = set()
_unsent_lock = threading.Lock()


def bump_tags(*tags: str) -> None:
    """Invalidate every cached page and fragment that depends on any of ``tags``."""
    if tags:
        cache.set_many({_tag_key(t): uuid.uuid4().hex for t in tags}, timeout=None)
        if not _cache_healthy():
            with _unsent_lock:
                _unsent_bumps.update(tags)
        edge.schedule_purge(tags)


def _resend_bumps() -> None:
    with _unsent_lock:
        tags = sorted(_unsent_bumps)
        _unsent_bumps.clear()
    if tags:
        bump_tags(*tags)  # queued again if Redis is gone again


redis_health.on_recovery("cache-tags", _resend_bumps)


def _versions_current(stored: dict[str, str]) -> bool:
    if not stored:
        return True
    found = cache.get_many([_tag_key(t) for t in stored])
    return all(found.get(_tag_key(tag)) == version for tag, version in stored.items())


def page_cache_key(request: HttpRequest) -> str:
    url = iri_to_uri(request.get_full_path())
    digest = hashlib.sha256(url.encode()).hexdigest()[:32]
    return (
        f"{KEY_PREFIX}:page:{digest}:care{int(is_care_mode(request))}:script{get_script(request)}"
    )


class EdgeCachedUserAccess(RuntimeError):
    """A publicly cached view tried to read the current user or session."""


class _ForbiddenLazy:
    def __init__(self, what: str):
        self._what = what

    def __getattr__(self, name):
        raise EdgeCachedUserAccess(
            f"request.{self._what} is not available in a publicly cached view; load personal "
            "data from the personal fragment instead."
        )


class _ForbiddenNonce:
    """Stands in for ``request.csp_nonce`` while a cached page renders: any use raises."""

    def _refuse(self, *args):
        raise EdgeCachedUserAccess(
            "request.csp_nonce is not available in a publicly cached view: the cached bytes "
            "are served under other responses' nonces. Move the inline script or style to a "
            "static file."
        )

    __str__ = __html__ = __bool__ = __len__ = __getattr__ = _refuse


def add_cache_tags(request: HttpRequest, *tags: str) -> None:
    """Declare what the page being rendered depends on. Call it before anything can raise
    Http404, so that a cached 404 is invalidated too when the object appears."""
    request._cache_tags = [*getattr(request, "_cache_tags", []), *tags]  # noqa: SLF001


def _set_public_headers(response: HttpResponse, max_age: int, tags: Iterable[str]) -> None:
    # Browsers revalidate every time (cheap: ETag + 304) so a care-mode switch shows at once;
    # shared caches may hold the page for max_age.
    patch_cache_control(response, public=True, max_age=0, s_maxage=max_age)
    tags = list(dict.fromkeys(tags))
    if tags and edge.edge_configured():
        # The edge indexes the page under its tags, purges them on bump_tags, and strips the
        # header before the client (docs/edge-cache.md).
        response[edge.TAG_HEADER] = " ".join(tags)


def public_page(view: Callable) -> Callable:
    """Serve a GET view from the page cache, rendering and storing it on a miss.

    The view must declare its dependencies with ``add_cache_tags``. A 404 raised by the view is
    rendered and cached for a short time only.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.OPENHAO_PAGE_CACHE_ENABLED:
            return _render(view, request, args, kwargs)
        key = page_cache_key(request)
        entry = None if _cache_unavailable() else cache.get(key)
        if entry is not None and _versions_current(entry["tags"]):
            response = HttpResponse(
                entry["content"], status=entry["status"], content_type=entry["content_type"]
            )
            response["ETag"] = entry["etag"]
            _set_public_headers(response, entry["max_age"], entry["tags"])
            response["X-Page-Cache"] = "hit"
            response._oh_script_done = True  # noqa: SLF001 (converted before it was stored)
            PAGE_CACHE.labels("hit").inc()
            return response
        request._cache_tags = []  # noqa: SLF001
        response = _render(view, request, args, kwargs)
        if response.status_code not in (200, 404) or response.cookies:
            PAGE_CACHE.labels("bypass").inc()
            return response
        if _private(response):
            # The view said this answer is for this request only (Django's never_cache
            # headers: search's first page when the model was late): not stored, not shared.
            response["X-Page-Cache"] = "bypass"
            PAGE_CACHE.labels("bypass").inc()
            return response
        # Read after the render: a change committed during these few milliseconds can be
        # stored as fresh; the entry's max_age bounds how long that lasts.
        versions = tag_versions(request._cache_tags) if _cache_healthy() else None  # noqa: SLF001
        max_age = (
            settings.OPENHAO_PAGE_CACHE_SECONDS
            if response.status_code == 200
            else settings.OPENHAO_404_CACHE_SECONDS
        )
        # Converted before the ETag and the store: the conversion is paid once per variant.
        convert_response(request, response)
        content = response.content
        etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        response["ETag"] = etag
        _set_public_headers(response, max_age, request._cache_tags)  # noqa: SLF001
        if versions is None or not _cache_healthy():
            response["X-Page-Cache"] = "bypass"
            PAGE_CACHE.labels("bypass").inc()
            return response
        response["X-Page-Cache"] = "miss"
        PAGE_CACHE.labels("miss").inc()
        cache.set(
            key,
            {
                "content": content,
                "status": response.status_code,
                "content_type": response["Content-Type"],
                "etag": etag,
                "max_age": max_age,
                "tags": versions,
            },
            timeout=max_age,
        )
        return response

    return wrapper


def _private(response: HttpResponse) -> bool:
    directives = {
        d.split("=")[0].strip().lower() for d in response.get("Cache-Control", "").split(",")
    }
    return bool(directives & {"private", "no-store"})


def _render(view, request, args, kwargs) -> HttpResponse:
    real_user, real_session = getattr(request, "user", None), getattr(request, "session", None)
    real_nonce = getattr(request, "csp_nonce", None)
    request.user = _ForbiddenLazy("user")
    request.session = _ForbiddenLazy("session")
    request.csp_nonce = _ForbiddenNonce()
    try:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = TemplateResponse(request, "404.html", status=404)
        if isinstance(response, TemplateResponse):
            response.render()
    finally:
        request.user, request.session = real_user, real_session
        if real_nonce is None:
            del request.csp_nonce
        else:
            request.csp_nonce = real_nonce
    return response


def fragment(key: str, tags: Iterable[str], build: Callable[[], object], timeout: int = 300):
    """Cache the result of ``build()`` under ``key`` for as long as ``tags`` stay unchanged.

    The entry stores the tag versions it was built under, so one ``get_many`` reads the entry
    and the current versions together: a hit is one round trip to Redis, not two (a page shows
    about ten fragments)."""
    if _cache_unavailable() or not _cache_healthy():
        FRAGMENT_CACHE.labels("bypass").inc()
        return build()
    tags = list(dict.fromkeys(tags))
    full_key = f"{KEY_PREFIX}:fragment:{key}"
    found = cache.get_many([full_key, *(_tag_key(t) for t in tags)])
    versions = tag_versions(tags, found)
    entry = found.get(full_key)
    if entry is not None and entry[0] == versions:
        FRAGMENT_CACHE.labels("hit").inc()
        return entry[1]
    value = build()
    # None is never stored (a missing object is asked again; its page is what is cached).
    if value is not None and _cache_healthy():
        cache.set(full_key, (versions, value), timeout=timeout)
        FRAGMENT_CACHE.labels("miss").inc()
    else:
        FRAGMENT_CACHE.labels("bypass").inc()
    return value
