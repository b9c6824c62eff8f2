"""Periodic jobs: what must run on a clock rather than on a request.

The Tasks API (django-tasks) runs work that a request or a publish asks for; nothing in it
fires on a schedule. ``manage.py periodic`` is the clock: every few seconds it starts the
tasks that are due (``run_due``). With the immediate backend they run inside the scheduler's
process, each job in a thread of its own so that the nightly refresh does not hold up the
minute jobs; with a worker backend the scheduler only enqueues and the workers run them.

Each job's time slot (the minute, or the day from its hour on) is claimed in the database, in
one conditional UPDATE of the job's ``PeriodicJob`` row: it succeeds only if the slot is not
done yet and nobody holds a live lease. So several schedulers, on one host or many, start each
run once, whatever the cache is. The lease lasts ``LEASE_SECONDS`` and the runner renews it
while the job runs; finishing (or failing: the next slot tries again) marks the slot done.
A scheduler killed after claiming stops renewing: once its lease lapses, the next scheduler
run starts the slot's work again, once. A claim never outlives its slot — the next slot is
another value — and a daily job missed for a whole day runs once, for the current day.
"""

from __future__ import annotations

import logging
import threading
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicJob

logger = logging.getLogger("openhao.periodic")

# A claim lapses this long after its last renewal; the runner renews it every RENEW_SECONDS.
LEASE_SECONDS = 60.0
RENEW_SECONDS = 15.0


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
        # Reaction rings (moderation, spam rule reaction_ring): their likes leave the hot score.
        Job(
            "reaction_rings",
            "openhao.moderation.tasks.reaction_rings_task",
            daily_hour=settings.OPENHAO_PERIODIC_REACTION_RINGS_HOUR,
        ),
        # Tasks whose worker died while running them go back in the queue (common/worker.py).
        Job(
            "requeue_abandoned_tasks",
            "openhao.common.tasks.requeue_abandoned_tasks",
            every=settings.OPENHAO_PERIODIC_REQUEUE_TASKS_SECONDS,
        ),
        # 注销 requests past their cooling-off, and export ZIPs past their 7 days.
        Job(
            "account_deletions",
            "openhao.privacy.tasks.account_deletions_run",
            every=settings.OPENHAO_PERIODIC_ACCOUNT_DELETIONS_SECONDS,
        ),
        # RSS subscriptions that are due (importer; each feed's own back-off decides when).
        Job(
            "poll_feeds",
            "openhao.importer.tasks.feeds_poll_due",
            every=settings.OPENHAO_PERIODIC_POLL_FEEDS_SECONDS,
        ),
        # Recounts the IDF table and relearns the term embeddings over the whole corpus: heavy,
        # so once a day at a quiet hour (docs/ranking.md).
        # The creator index, levels and computed badges (docs/campaigns.md).
        Job(
            "creator_index",
            "openhao.campaigns.tasks.creator_index_nightly",
            daily_hour=settings.OPENHAO_PERIODIC_CREATOR_INDEX_HOUR,
        ),
        Job(
            "idf_refresh",
            "openhao.ranking.tasks.idf_refresh",
            daily_hour=settings.OPENHAO_PERIODIC_IDF_REFRESH_HOUR,
        ),
    ]


@dataclass(frozen=True)
class Claim:
    """The right to run ``job`` for ``slot``, held while ``token`` is the row's owner."""

    job: Job
    slot: str
    token: str

    def _mine(self):
        return PeriodicJob.objects.filter(name=self.job.name, owner=self.token)

    def renew(self) -> bool:
        """Push the lease on; False when it was lost (lapsed and taken by another)."""
        until = timezone.now() + timedelta(seconds=LEASE_SECONDS)
        return bool(self._mine().filter(running_slot=self.slot).update(lease_until=until))

    def finish(self) -> None:
        """The slot is done (succeeded or failed: either way the next slot runs again)."""
        self._mine().update(
            done_slot=self.slot, lease_until=None, owner="", finished_at=timezone.now()
        )


def _claim(job: Job, slot: str, now: datetime, row: PeriodicJob | None) -> Claim | None:
    if row is None:
        PeriodicJob.objects.bulk_create([PeriodicJob(name=job.name)], ignore_conflicts=True)
    elif row.done_slot == slot or (row.lease_until and row.lease_until > now):
        return None  # done, or running (perhaps still an earlier slot) elsewhere
    token = uuid.uuid4().hex
    # The WHERE clause is the lock: of several schedulers, one UPDATE matches.
    claimed = (
        PeriodicJob.objects.filter(name=job.name)
        .exclude(done_slot=slot)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(
            running_slot=slot,
            owner=token,
            lease_until=now + timedelta(seconds=LEASE_SECONDS),
            started_at=now,
        )
    )
    return Claim(job, slot, token) if claimed else None


def enqueue(job: Job) -> None:
    import_string(job.task).enqueue()


def run(claim: Claim) -> None:
    """Run a claimed job here, renewing the claim meanwhile, then mark its slot done. A
    failure is logged and raised; the slot still counts as done."""
    stop = threading.Event()
    keeper = threading.Thread(
        target=_keep_alive, args=(claim, stop), name=f"{claim.job.name}-lease", daemon=True
    )
    keeper.start()
    try:
        enqueue(claim.job)
    except Exception:
        logger.exception("periodic job %s failed (slot %s)", claim.job.name, claim.slot)
        raise
    finally:
        stop.set()
        keeper.join()
        claim.finish()


def _keep_alive(claim: Claim, stop: threading.Event) -> None:
    try:
        while not stop.wait(RENEW_SECONDS):
            try:
                if not claim.renew():
                    logger.warning("periodic job %s lost its claim", claim.job.name)
                    return
            except Exception as exc:  # the database may be away for a moment
                logger.warning("could not renew the claim of %s: %s", claim.job.name, exc)
    finally:
        connection.close()  # this thread's connection


def run_due(
    now: datetime | None = None,
    *,
    start: Callable[[Claim], None] = run,
    busy: Callable[[str], bool] = lambda name: False,
) -> list[str]:
    """Start every job that is due and not yet claimed for its slot; returns their names. A job
    still ``busy`` from an earlier slot is left unclaimed, so it runs once it is free."""
    now = now or timezone.now()
    rows = {row.name: row for row in PeriodicJob.objects.all()}
    started = []
    for job in jobs():
        slot = job.slot(now)
        if slot is None or busy(job.name):
            continue
        claim = _claim(job, slot, now, rows.get(job.name))
        if claim:
            started.append(job.name)
            start(claim)
    return started
