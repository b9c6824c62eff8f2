"""Small helpers shared by the engagement views: htmx detection, sign-in redirects that work for
htmx and plain forms, and the private (never cached) responses of per-user fragments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from openhao.common.views import private_response


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def login_required_response(request: HttpRequest, next_url: str) -> HttpResponse:
    """Send an anonymous visitor to sign in and back to ``next_url``. htmx gets the target in
    HX-Redirect (a 302 would be followed inside the XHR and the form swapped into the page)."""
    response = redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
    if is_htmx(request):
        location = response["Location"]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = location
    return private_response(response)
