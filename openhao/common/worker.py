"""Tasks abandoned by a dead worker go back in the queue.

django-tasks-db's ``db_worker`` claims a task by setting it RUNNING in a short transaction and
then runs it outside any transaction; the row stays RUNNING until the worker records the
outcome. It has no lease, heartbeat or timeout (read in django_tasks_db 0.13: models.claim,
db_worker.Worker.run): a worker that is killed (OOM, SIGKILL, a host going away) leaves its task
RUNNING for ever, and no worker looks at it again. A task that raises is marked FAILED and is
not retried either; tasks that must be retried (the edge purge) re-enqueue themselves.

So ``requeue_abandoned`` — a periodic job (openhao/common/periodic.py) — gives every task a
lease: one still RUNNING ``OPENHAO_TASK_LEASE_SECONDS`` after it started is presumed abandoned
and put back to READY, and the next free worker runs it again. A task that is merely slow and
still running past its lease runs twice, which is why every task here is idempotent (each says
how) and the lease is far longer than any task takes. The UPDATE is conditional on the row
being unchanged, so two schedulers cannot requeue one task twice and a worker that finishes in
the meantime keeps its result.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("openhao.worker")


def requeue_abandoned(lease_seconds: float | None = None) -> int:
    """Requeue the tasks RUNNING for longer than the lease; how many were requeued."""
    if not apps.is_installed("django_tasks_db"):
        return 0  # the immediate backend runs tasks inline: nothing can be abandoned
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if lease_seconds is None:
        lease_seconds = settings.OPENHAO_TASK_LEASE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=lease_seconds)
    requeued = 0
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for pk, started_at, task_path in stale.values_list("pk", "started_at", "task_path"):
        requeued += DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY)
        logger.warning("task %s (%s) requeued: its worker did not finish it", pk, task_path)
    return requeued
