"""Rate limits for OpenHao's own actions (comment, vote, follow, like, share), with the syntax,
cache and 429 answer of django-allauth's limits, so every limit is configured in one place:
``settings.ACCOUNT_RATE_LIMITS`` (each entry from a ``RATE_LIMIT_<ACTION>`` variable).

A rate like ``6/m/user,30/m/ip`` allows 6 per minute per signed-in user and 30 per minute per
client address; every part must allow the request. allauth's public ``consume`` reads only its
own table and cannot skip per-user parts for anonymous requests, hence the internal call (the
dependency is pinned below the next major version)."""

from __future__ import annotations

from allauth.account import app_settings
from allauth.core.internal import ratelimit as _impl
from django.http import HttpRequest, HttpResponse


def allow(request: HttpRequest, action: str) -> bool:
    """Record one ``action`` by this client; False when a limit is exceeded."""
    user = request.user if request.user.is_authenticated else None
    rates = [r.strip() for r in (app_settings.RATE_LIMITS.get(action) or "").split(",")]
    if user is None:
        # A per-user part cannot apply to an anonymous request.
        rates = [r for r in rates if not r.endswith("/user")]
    config = {action: ",".join(r for r in rates if r)}
    usage = _impl.consume(request, app="allauth.account", action=action, config=config, user=user)
    return usage is not None


def too_many(request: HttpRequest) -> HttpResponse:
    """The 429 answer (openhao.common.views.too_many_requests through allauth's hook)."""
    return _impl.respond_429(request)
