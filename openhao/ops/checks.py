"""The checks of /readyz, on django-health-check's ``HealthCheck`` (each runs in a thread of
its own, with the library's time budget)."""

from __future__ import annotations

import dataclasses
import datetime

import redis
from django.conf import settings
from django.db import connections
from health_check.base import HealthCheck
from health_check.checks import Cache as LibraryCacheCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from openhao.common import redis_health

from . import selectors


@dataclasses.dataclass
class Redis(HealthCheck):
    """PING through a client of its own: the site's cache falls back to process memory when
    Redis is away, so a set/get through it would pass with Redis dead."""

    timeout = datetime.timedelta(seconds=2)

    def run(self):
        client = redis_health.client(settings.REDIS_URL)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable(type(exc).__name__) from exc
        finally:
            client.close()


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """Tasks waiting for a worker: too many means the workers are stopped or too few."""

    limit: int = 1000

    def run(self):
        try:
            depths = selectors.task_queue_depths()
        finally:
            # This thread is the library's, new for each request: its connection would
            # otherwise stay open until garbage collection.
            connections.close_all()
        if depths is None:
            return  # inline tasks: nothing can wait
        waiting = sum(depths.values())
        if waiting > self.limit:
            raise ServiceWarning(f"{waiting} tasks waiting (limit {self.limit})")


def readiness_checks() -> list:
    checks: list = [("health_check.checks.Database", {"alias": "default"})]
    if "replica" in settings.DATABASES and settings.OPENHAO_READ_REPLICA:
        checks.append(("health_check.checks.Database", {"alias": "replica"}))
    checks.append(Redis if settings.REDIS_URL else LibraryCacheCheck)
    checks.append((TaskQueue, {"limit": settings.OPENHAO_READYZ_MAX_TASKS_WAITING}))
    return checks
