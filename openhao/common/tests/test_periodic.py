"""manage.py periodic: each job runs when due, once per slot, through its task."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.core.management import call_command

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.common.periodic import run_due
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
        names = run_due(start=lambda job: started.append(job.name), busy="flush_reads".__eq__)
    assert "flush_reads" not in names and "publish_due" in names
    assert started == names
    # Left unclaimed: once free, the same slot still runs it.
    with time_machine.travel(moment + timedelta(seconds=5), tick=False):
        assert run_due(start=lambda job: None) == ["flush_reads"]
