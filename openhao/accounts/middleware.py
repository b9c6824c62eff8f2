"""Keeps ``User.ip_region`` (IP属地) at the region of the address the user last wrote from."""

from __future__ import annotations

from django.conf import settings

from . import ipregion, services

# Beacons (read and share counting) and the per-visitor fragments are not writing.
_NOT_WRITING = ("/_/",)


class IpRegionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.OPENHAO_IP2REGION_DB
            and request.method == "POST"
            and response.status_code < 400
            and not request.path.startswith(_NOT_WRITING)
        ):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.deleted_at is None:
                region = ipregion.request_region(request)
                if region and region != user.ip_region:
                    services.ip_region_record(user=user, region=region)
        return response
