from urllib.parse import urlsplit

from django.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import hooks
from .cache import CARE_COOKIE, LISTS_TAG, add_cache_tags, public_page
from .scripts import SCRIPT_COOKIE, SIMPLIFIED
from .visitors import ensure_visitor_cookie

CARE_COOKIE_AGE = 365 * 24 * 3600


def safe_next(request, default="/") -> str:
    """The ``next`` parameter when it points to this site, else ``default``."""
    return local_url(request, request.GET.get("next") or request.POST.get("next"), default)


def local_url(request, url: str | None, default: str) -> str:
    """``url`` when it is a path on this site or an http(s) URL of this host, else ``default``.
    A bare word ("abc") is refused too: redirect() would take it for a view name."""
    if (
        url
        and (url.startswith("/") or urlsplit(url).scheme in ("http", "https"))
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return default


@require_http_methods(["GET", "HEAD", "POST"])
def care_mode(request, state: str):
    """Switch 关怀版 on or off: a POST with the CSRF token sets or clears the cookie that the
    page cache keys on (and nothing else) and goes back. The cached pages link here, as they
    cannot hold a per-visitor token: site.js turns the click into that POST with the token of
    the personal fragment; without JavaScript the link opens this small private page, where the
    switch is a plain form."""
    next_url = safe_next(request)
    if request.method != "POST":
        context = {"state": state, "next": next_url}
        return private_response(TemplateResponse(request, "common/care_switch.html", context))
    response = HttpResponseRedirect(next_url)
    if state == "on":
        response.set_cookie(
            CARE_COOKIE,
            "1",
            max_age=CARE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return private_response(response)


@require_http_methods(["GET", "HEAD", "POST"])
def script_mode(request, script: str):
    """Switch the script (简体 / 繁體 / 繁體（台灣）/ 繁體（香港）) and go back. A plain link
    works without JavaScript: the choice is a display preference of this browser only (like a
    language switch), so a GET may set it; the redirect goes only to a path of this site."""
    response = HttpResponseRedirect(safe_next(request))
    if script == SIMPLIFIED:
        response.delete_cookie(SCRIPT_COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            SCRIPT_COOKIE,
            script,
            max_age=CARE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return private_response(response)


@require_safe
@public_page
def accessibility(request):
    add_cache_tags(request, LISTS_TAG)
    return TemplateResponse(request, "common/accessibility.html", {})


@require_safe
def personal(request):
    """The small per-visitor request behind every cached page: the signed-in header and the
    CSRF token for htmx writes. Never cached by anyone."""
    user = request.user
    context = {
        "authenticated": user.is_authenticated,
        "name": user.public_name if user.is_authenticated else "",
        # The 审核 / 运营 roles (openhao.moderation.roles), by permission name; is_staff first,
        # so a reader's header costs no permission query.
        "is_staff": user.is_staff and user.has_perm("moderation.review_content"),
        "is_creator": user.is_authenticated and hasattr(user, "creator"),
        "csrf_token": get_token(request),
        "unread": 0,
    }
    if user.is_authenticated:
        for extra in hooks.personal_context.run(user=user):
            context.update(extra)
    if request.headers.get("HX-Request"):
        response = TemplateResponse(request, "common/personal.html", context)
    else:
        response = JsonResponse(context)
    if not user.is_authenticated:
        ensure_visitor_cookie(request, response)
    private_response(response)
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the site's 403 page instead of Django's (whose inline style the CSP
    blocks). The usual cause is benign: a form left open while the visitor signed in or out
    elsewhere, or a token replaced by a parallel first request. The way back is the page the
    form came from, when it is on this site, reloaded for a fresh token."""
    message = _("页面已过期，请返回刷新后重新提交。")
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        back = reverse("home")
    if request.headers.get("HX-Request") or "application/json" in request.headers.get("Accept", ""):
        return error_response(request, message, status=403)
    response = TemplateResponse(request, "403.html", {"message": message, "back": back}, status=403)
    response.render()
    return private_response(response)


def private_response(response: HttpResponse) -> HttpResponse:
    """Mark a per-visitor response so that no browser or shared cache keeps it."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


def too_many_requests(request, exception=None):
    """HTTP 429 for every rate limit."""
    return error_response(request, _("您的操作过于频繁，请稍后再试。"), status=429)


def error_response(request, message: str, *, status: int) -> HttpResponse:
    """An error the visitor can act on, in the form the request can show: a script asking for
    JSON (the studio's autosave and uploads) gets ``{"error": ...}``; an htmx request gets a
    short alert swapped into the page's status region (#flash) instead of the element it
    targeted; a browser gets the ``<status>.html`` page with the message."""
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message}, status=status)
    elif request.headers.get("HX-Request"):
        response = HttpResponse(
            render_to_string("common/flash.html", {"message": message}), status=status
        )
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = TemplateResponse(request, f"{status}.html", {"message": message}, status=status)
        response.render()
    return private_response(response)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def favicon(request):
    """Pages link their icons; this answers clients that ask for /favicon.ico regardless. The
    static URL is resolved per request: with the manifest storage it needs collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
