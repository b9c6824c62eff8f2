"""What /readyz and /metrics report about the queues: read here, from their owners."""

from __future__ import annotations

from django.db.models import Count
from django_tasks import task_backends

from openhao.common.redis_health import RedisUnavailable
from openhao.engagement.counters import reads_buffered


def task_queue_depths() -> dict[str, int] | None:
    """Tasks ready to run and not yet picked up, per queue; None when tasks run inline (the
    immediate backend has no queue). Knows django-tasks-db's table, the worker backend that
    production settings use (docs/deployment.md)."""
    backend = task_backends["default"]
    if not type(backend).__module__.startswith("django_tasks_db."):
        return None
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.ready().values("queue_name").annotate(n=Count("id"))
    depths = dict.fromkeys(sorted(backend.queues), 0)
    depths.update({row["queue_name"]: row["n"] for row in rows})
    return depths


def read_buffer_depth() -> int | None:
    """Counted reads waiting for the flush; None while Redis is away."""
    try:
        return reads_buffered()
    except RedisUnavailable:
        return None
