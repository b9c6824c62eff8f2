"""Readiness (/readyz); liveness stays the plain /healthz of openhao.common, which touches
nothing."""

from __future__ import annotations

from health_check.views import HealthCheckView

from .checks import readiness_checks


class ReadinessView(HealthCheckView):
    """django-health-check's view with the site's checks (read from the settings on every
    request), 503 rather than 500 when one fails, and plain text unless JSON is asked for
    (``?format=json`` or ``Accept: application/json``)."""

    def get_checks(self):
        self.checks = readiness_checks()
        return super().get_checks()

    def render_to_response(self, context, **kwargs):
        return self.render_to_response_text(kwargs.get("status", 200))

    async def dispatch(self, request, *args, **kwargs):
        response = await super().dispatch(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response
