"""Keeps ``User.ip_region`` (IP属地) at the region of the address the user last wrote from:
after a successful POST to a view marked ``ipregion.writes_content`` (comments, the studio's
article saves, profile edits). Other POSTs — likes, votes, follows, bookmarks, sign-in — are
not writing."""

from __future__ import annotations

from django.conf import settings

from . import ipregion, services


class IpRegionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.OPENHAO_IP2REGION_DB
            and request.method == "POST"
            and response.status_code < 400
            and getattr(request, "_writes_content", False)
        ):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.deleted_at is None:
                region = ipregion.request_region(request)
                if region and region != user.ip_region:
                    services.ip_region_record(user=user, region=region)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._writes_content = getattr(view_func, "writes_content", False)  # noqa: SLF001
