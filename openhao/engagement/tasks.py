"""Background work through Django's Tasks API (the django-tasks backport). With the default
immediate backend a task runs inline when enqueued; with a worker backend (e.g. django-tasks-db,
see docs/engagement.md) it runs in the worker, outside the request. Arguments are ids: tasks
must be serialisable and read fresh rows."""

from __future__ import annotations

from django_tasks import task

from . import counters


@task()
def flush_reads_task() -> int:
    """Move buffered read counts into the database (schedule it every minute or so)."""
    return counters.flush_reads()
