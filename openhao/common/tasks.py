"""Background work of the common layer, through Django's Tasks API (the django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from . import edge


@task()
def purge_edge_task(tags: list[str], urls: list[str], attempt: int = 1) -> int:
    """Purge pages tagged with any of ``tags`` at each edge in ``urls`` (openhao/common/edge.py)."""
    can_defer = purge_edge_task.get_backend().supports_defer
    return edge.purge_with_retries(tags, urls, attempt, can_defer)


@task()
def requeue_abandoned_tasks() -> int:
    """Put back in the queue the tasks whose worker died while running them (run by
    ``manage.py periodic``; openhao/common/worker.py says why this is needed)."""
    from .worker import requeue_abandoned

    return requeue_abandoned()
