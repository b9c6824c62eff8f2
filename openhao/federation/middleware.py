"""Content negotiation for the HTML pages of articles and creators.

A server that looks up ``/article/12/`` or ``/creator/3/`` asking for ActivityPub JSON
(``Accept: application/activity+json`` or ``application/ld+json; profile=…``) is redirected to
the object's ``/ap/…`` id before any view — and so before the page cache — runs. The redirect
says ``Vary: Accept`` and is never stored (private, no-store), and the HTML pages stay what they
are, so a cached HTML page is never served to a server nor JSON to a browser. The edge cache
(deploy/varnish/openhao.vcl) passes such requests straight to the app for the same reason."""

from __future__ import annotations

import re

from django.http import HttpResponseRedirect
from django.utils.cache import patch_vary_headers

from openhao.common.views import private_response

from . import uris

_PAGE = re.compile(r"^/(article|creator)/(\d{1,12})/$")


def wants_activity_json(accept: str) -> bool:
    for media_range in accept.lower().split(","):
        media_type = media_range.split(";", 1)[0].strip()
        if media_type == "application/activity+json":
            return True
        if media_type == "application/ld+json" and "activitystreams" in media_range:
            return True
    return False


class ActivityNegotiationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = _PAGE.match(request.path_info)
        if match is None:
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and wants_activity_json(
            request.headers.get("Accept", "")
        ):
            pk = int(match.group(2))
            target = uris.article_object(pk) if match.group(1) == "article" else None
            target = target or uris.creator_actor(pk)
            response = private_response(HttpResponseRedirect(target))
            patch_vary_headers(response, ["Accept"])
            return response
        return self.get_response(request)
