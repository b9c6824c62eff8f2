"""The /metrics endpoint (Prometheus text format) and the request metrics.

prometheus-client directly rather than django-prometheus: the figures that matter here are the
site's own (page-cache decisions, read-buffer depth, task queue depth), and django-prometheus's
database and cache metrics come from its own wrapper backends, which would replace the site's
Redis cache backend (openhao/common/redis_cache.py) and the database settings the replica
router relies on. Requests are counted by a small middleware below instead.

Gauges are measured when scraped (one HVALS on the read buffer, one COUNT on the task table),
not kept in every process. Counters are per process, or summed over all gunicorn workers when
``PROMETHEUS_MULTIPROC_DIR`` is set (deploy/gunicorn.conf.py clears a dead worker's files).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from . import selectors

REQUESTS = Counter(
    "openhao_http_requests", "HTTP requests answered, by method and status.", ["method", "status"]
)
LATENCY = Histogram(
    "openhao_http_request_duration_seconds",
    "Time from the first middleware in to the response out.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        LATENCY.observe(time.perf_counter() - start)
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(method, str(response.status_code)).inc()
        return response


class QueueCollector:
    """Measured at scrape time, from wherever the queues live."""

    def collect(self):
        depth = selectors.read_buffer_depth()
        if depth is not None:
            gauge = GaugeMetricFamily(
                "openhao_read_buffer_depth",
                "Counted reads (阅读数) not yet written to the database.",
            )
            gauge.add_metric([], depth)
            yield gauge
        queues = selectors.task_queue_depths()
        if queues is not None:
            gauge = GaugeMetricFamily(
                "openhao_task_queue_depth",
                "Tasks ready to run that no worker has taken yet.",
                labels=["queue"],
            )
            for name, n in queues.items():
                gauge.add_metric([name], n)
            yield gauge


def _allowed(request: HttpRequest) -> bool:
    """A bearer token (``OPENHAO_METRICS_TOKEN``), or a direct connection from an address in
    ``OPENHAO_METRICS_ALLOWED_IPS``. A request that came through a proxy (X-Forwarded-For) is
    never let in by address: behind a proxy on the same host every visitor is 127.0.0.1."""
    token = settings.OPENHAO_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if request.headers.get("X-Forwarded-For") or not settings.OPENHAO_METRICS_ALLOWED_IPS:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False)
        for net in settings.OPENHAO_METRICS_ALLOWED_IPS
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404  # not even its existence is public
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    queues = CollectorRegistry()
    queues.register(QueueCollector())
    body = generate_latest(registry) + generate_latest(queues)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
