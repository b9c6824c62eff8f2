"""Cache headers by default: a response that does not say how it may be cached is private.

Public pages say so themselves (``openhao.common.cache.public_page``: ``public, s-maxage``), as
do the QR codes and static files. Everything else — the profile, the studio, the review queues,
sign-in forms with their CSRF token, redirects after a sign-in, error pages — is per visitor,
and a browser's back-forward cache or a shared proxy keeping it would show one person's page to
another. Marking them here, once, means a new private view cannot forget it.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class PrivateByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            # max-age=0, no-cache, no-store, must-revalidate, private (and Expires)
            add_never_cache_headers(response)
        return response
