"""manage.py periodic: each job runs when due, once per slot, through its task."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.core.management import call_command

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.common.periodic import LEASE_SECONDS, run_due
from openhao.engagement import counters
from openhao.ranking.models import TermStat
from openhao.ranking.services import LENGTH_TERM

pytestmark = pytest.mark.django_db


def _quiet():
    return open("/dev/null", "w")  # noqa: SIM115


def test_scheduled_articles_and_buffered_reads_are_handled_once_per_minute(fresh_read_buffer):
    now = datetime(2026, 5, 1, 2, 0, 10, tzinfo=dt_timezone.utc)
    due = ArticleFactory(
        status=Article.Status.SCHEDULED,
        published_at=None,
        scheduled_at=now - timedelta(minutes=1),
    )
    later = ArticleFactory(
        status=Article.Status.SCHEDULED,
        published_at=None,
        scheduled_at=now + timedelta(hours=1),
    )
    read = ArticleFactory(view_count=5)
    counters.read_record(article_id=read.pk, visitor="v1")
    with time_machine.travel(now, tick=False):
        call_command("periodic", "--once", stdout=_quiet())
        # Same minute: nothing is started twice.
        assert "publish_due" not in run_due()
    due.refresh_from_db()
    later.refresh_from_db()
    read.refresh_from_db()
    assert due.status == Article.Status.PUBLISHED
    assert later.status == Article.Status.SCHEDULED
    assert read.view_count == 6
    with time_machine.travel(now + timedelta(minutes=1), tick=False):
        assert {"publish_due", "flush_reads"} <= set(run_due())


def test_the_idf_refresh_runs_once_a_day_from_its_hour_in_beijing_time(settings):
    settings.OPENHAO_PERIODIC_IDF_REFRESH_HOUR = 4
    ArticleFactory.create_batch(3)
    before = datetime(2026, 5, 1, 19, 59, tzinfo=dt_timezone.utc)  # 03:59 on 2 May in Beijing

    def due_at(moment):
        # The cache's expiry follows the clock too, so travel rather than pass ``now``.
        with time_machine.travel(moment, tick=False):
            return run_due()

    assert "idf_refresh" not in due_at(before)
    # Only the refresh writes the corpus length (publishing keeps the document count current).
    assert not TermStat.objects.filter(term=LENGTH_TERM).exists()
    with time_machine.travel(before + timedelta(minutes=2), tick=False):
        call_command("periodic", "--once", stdout=_quiet())
    assert TermStat.objects.filter(term=LENGTH_TERM).exists()
    assert "idf_refresh" not in due_at(before + timedelta(hours=12))
    assert "idf_refresh" in due_at(before + timedelta(days=1, minutes=2))


def test_a_job_still_running_is_not_started_again_until_it_is_free():
    started = []
    moment = datetime(2026, 5, 1, 2, 0, 10, tzinfo=dt_timezone.utc)
    with time_machine.travel(moment, tick=False):
        names = run_due(
            start=lambda claim: started.append(claim.job.name), busy="flush_reads".__eq__
        )
    assert "flush_reads" not in names and "publish_due" in names
    assert started == names
    # Left unclaimed: once free, the same slot still runs it.
    with time_machine.travel(moment + timedelta(seconds=5), tick=False):
        assert run_due(start=lambda claim: None) == ["flush_reads"]


# --- a scheduler killed after claiming (issue 10) -------------------------------------------

BEIJING_0401 = datetime(2026, 5, 1, 20, 1, tzinfo=dt_timezone.utc)  # 04:01 on 2 May, Beijing


def _killed(claim) -> None:
    """The scheduler claims the run and dies before it is done: nothing else happens."""


def _due(moment, start=None) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return run_due(start=start) if start else run_due()


def test_a_scheduler_killed_right_after_claiming_loses_no_days_work(settings):
    settings.OPENHAO_PERIODIC_IDF_REFRESH_HOUR = 4
    ArticleFactory.create_batch(2)
    assert "idf_refresh" in _due(BEIJING_0401, _killed)
    assert not TermStat.objects.filter(term=LENGTH_TERM).exists()
    # Until the dead scheduler's claim lapses, nobody else starts the run...
    assert "idf_refresh" not in _due(BEIJING_0401 + timedelta(seconds=20), _killed)
    # ...then the next scheduler run catches up, once.
    later = BEIJING_0401 + timedelta(seconds=LEASE_SECONDS + 1)
    assert "idf_refresh" in _due(later)
    assert TermStat.objects.filter(term=LENGTH_TERM).exists()
    assert "idf_refresh" not in _due(later + timedelta(minutes=1))
    assert "idf_refresh" not in _due(later + timedelta(hours=18))
    assert "idf_refresh" in _due(BEIJING_0401 + timedelta(days=1))


def test_a_claim_lasts_no_longer_than_its_slot():
    moment = datetime(2026, 5, 1, 2, 0, 10, tzinfo=dt_timezone.utc)
    assert "publish_due" in _due(moment, _killed)
    # Next minute, next slot: the dead claim of the last one holds nothing up.
    assert "publish_due" in _due(moment + timedelta(minutes=1))
    assert "publish_due" not in _due(moment + timedelta(minutes=1, seconds=5))


def test_a_run_that_failed_is_not_retried_in_its_slot_but_in_the_next(monkeypatch):
    calls = []

    def failing(job):
        calls.append(job.name)
        raise RuntimeError("boom")

    monkeypatch.setattr("openhao.common.periodic.enqueue", failing)
    moment = datetime(2026, 5, 1, 2, 0, 10, tzinfo=dt_timezone.utc)
    with pytest.raises(RuntimeError):
        _due(moment)
    assert calls == ["flush_reads"]
    monkeypatch.setattr("openhao.common.periodic.enqueue", lambda job: calls.append(job.name))
    assert "flush_reads" not in _due(moment + timedelta(seconds=5))
    assert "flush_reads" in _due(moment + timedelta(minutes=1))


def test_claims_do_not_depend_on_the_cache(settings):
    """A Redis that lost its data (or a scheduler on another host) must not run a day's job
    twice: the claim is a row in the database."""
    from django.core.cache import cache

    settings.OPENHAO_PERIODIC_IDF_REFRESH_HOUR = 4
    assert "idf_refresh" in _due(BEIJING_0401)
    cache.clear()
    assert "idf_refresh" not in _due(BEIJING_0401 + timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
def test_a_long_run_keeps_its_claim_alive(monkeypatch):
    """The runner renews the claim while the job runs, so a second scheduler does not start
    it again however long it takes."""
    import threading

    from openhao.common import periodic

    monkeypatch.setattr(periodic, "LEASE_SECONDS", 1.0)
    monkeypatch.setattr(periodic, "RENEW_SECONDS", 0.1)
    release = threading.Event()
    running = threading.Event()

    def slow(job):
        if job.name == "flush_reads":
            running.set()
            release.wait(10)

    monkeypatch.setattr(periodic, "enqueue", slow)
    first = threading.Thread(target=run_due)
    first.start()
    try:
        assert running.wait(10)
        deadline = time.monotonic() + 2.5  # well past the 1 s lease
        while time.monotonic() < deadline:
            assert "flush_reads" not in run_due(start=_killed)
            time.sleep(0.2)
    finally:
        release.set()
        first.join(10)
