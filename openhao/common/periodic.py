"""Periodic jobs: what must run on a clock rather than on a request.

The Tasks API (django-tasks) runs work that a request or a publish asks for; nothing in it
fires on a schedule. ``manage.py periodic`` is the clock: every few seconds it enqueues the
tasks that are due (``run_due``). With the immediate backend they run inside the scheduler's
process, each job in a thread of its own so that the nightly refresh does not hold up the
minute jobs; with a worker backend the scheduler only enqueues and the workers run them.

Each due run is claimed with ``cache.add`` on a key naming the job and its time slot, which is
atomic (SET NX) on Redis: several schedulers, on one host or many, start each run once. On the
per-process cache (no Redis) run a single scheduler.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

KEY = "periodic:{name}:{slot}"


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task taking no arguments
    every: int = 0  # seconds between runs
    daily_hour: int | None = None  # or once a day from this hour on (site time zone)

    def slot(self, now: datetime) -> str | None:
        """The time slot ``now`` falls in, or None when the job is not due at all."""
        if self.every:
            return str(int(now.timestamp()) // self.every)
        local = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        if self.daily_hour is None or local.hour < self.daily_hour:
            return None
        return local.date().isoformat()

    @property
    def claim_seconds(self) -> int:
        # Long enough that the slot's key outlives the slot itself.
        return self.every * 2 if self.every else 2 * 86400


def jobs() -> list[Job]:
    return [
        Job(
            "flush_reads",
            "openhao.engagement.tasks.flush_reads_task",
            every=settings.OPENHAO_PERIODIC_FLUSH_READS_SECONDS,
        ),
        Job(
            "publish_due",
            "openhao.articles.tasks.publish_due_articles",
            every=settings.OPENHAO_PERIODIC_PUBLISH_DUE_SECONDS,
        ),
        Job(
            "purge_trash",
            "openhao.articles.tasks.purge_trash",
            every=settings.OPENHAO_PERIODIC_PURGE_TRASH_SECONDS,
        ),
        # Recounts the IDF table and relearns the term embeddings over the whole corpus: heavy,
        # so once a day at a quiet hour (docs/ranking.md).
        Job(
            "idf_refresh",
            "openhao.ranking.tasks.idf_refresh",
            daily_hour=settings.OPENHAO_PERIODIC_IDF_REFRESH_HOUR,
        ),
    ]


def enqueue(job: Job) -> None:
    import_string(job.task).enqueue()


def run_due(
    now: datetime | None = None,
    *,
    start: Callable[[Job], None] = enqueue,
    busy: Callable[[str], bool] = lambda name: False,
) -> list[str]:
    """Start every job that is due and not yet claimed for its slot; returns their names. A job
    still ``busy`` from an earlier slot is left unclaimed, so it runs once it is free."""
    now = now or timezone.now()
    started = []
    for job in jobs():
        slot = job.slot(now)
        if slot is None or busy(job.name):
            continue
        if cache.add(KEY.format(name=job.name, slot=slot), 1, timeout=job.claim_seconds):
            start(job)
            started.append(job.name)
    return started
