"""阅读数 when Redis or the database is away: no counted read is lost.

Redis unreachable: the process counts in its own memory and hands the reads to Redis when it
answers again (or writes them to the database itself if the outage lasts). Redis killed: the
shipped configuration's append-only file brings the buffered reads back. Database refusing
connections: the beacon still counts into the buffer, and a later flush writes it.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import redis
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.common.tests.redis_server import closed_port_url
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import counters

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def _beacon(client, article, visitor: str):
    client.cookies["oh_vid"] = visitor
    return client.post(reverse("engagement:read", args=[article.pk]), HTTP_USER_AGENT=BROWSER)


_visitor_ids: dict[int, str] = {}


def _visitor(n: int) -> str:
    """The n-th reader's visitor id cookie, signed by the site as the personal fragment hands
    it out."""
    if n not in _visitor_ids:
        browser = Client()
        browser.get(reverse("personal"))
        _visitor_ids[n] = browser.cookies["oh_vid"].value
    return _visitor_ids[n]


def _stored(article) -> int:
    return Article.objects.get(pk=article.pk).view_count


@contextmanager
def database_refused():
    """Every query fails as it does when PostgreSQL refuses connections."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def _redis_pending(article) -> int:
    buffer = counters.read_buffer()
    raw = buffer.client.hget(buffer.pending_key, article.pk)
    return int(raw or 0)


# --- Redis unreachable ---------------------------------------------------------------------


def test_reads_are_counted_in_process_memory_while_redis_is_unreachable(client, use_redis):
    use_redis(closed_port_url())
    article = ArticleFactory(view_count=10)
    for n in (1, 2, 3, 1):
        assert _beacon(client, article, _visitor(n)).status_code == 204
    assert counters.reads_pending([article.pk]) == {article.pk: 3}
    actions = client.get(reverse("engagement:article-actions", args=[article.pk]))
    assert '<span class="read-count">13</span>' in actions.content.decode()
    assert counters.flush_reads() == 3
    assert _stored(article) == 13
    assert counters.reads_pending([article.pk]) == {article.pk: 0}


def test_a_long_outage_writes_the_reads_kept_in_memory_to_the_database(client, use_redis, settings):
    settings.OPENHAO_READS_FLUSH_EVENTS = 2
    use_redis(closed_port_url())
    article = ArticleFactory(view_count=0)
    for n in range(4):
        _beacon(client, article, _visitor(n))
    assert _stored(article) == 4


def test_reads_counted_while_redis_was_away_are_handed_to_it_when_it_returns(
    client, use_redis, private_redis, settings
):
    settings.REDIS_RETRY_SECONDS = 0
    use_redis(private_redis.url())
    article = ArticleFactory(view_count=0)
    _beacon(client, article, _visitor(1))
    private_redis.kill()
    _beacon(client, article, _visitor(2))
    _beacon(client, article, _visitor(3))
    private_redis.start()  # empty: it ran without persistence
    _beacon(client, article, _visitor(4))  # Redis answers: the two kept in memory go to it
    assert _redis_pending(article) == 3
    # The dedup windows went with them: visitor 2 is not counted a second time.
    _beacon(client, article, _visitor(2))
    assert counters.reads_pending([article.pk]) == {article.pk: 3}
    counters.flush_reads()
    assert _stored(article) == 3  # visitor 1's read died with the Redis that held it


def test_reading_history_kept_in_memory_reaches_the_database(client, use_redis, settings):
    from openhao.ranking.models import ReadHistory

    use_redis(closed_port_url())
    article = ArticleFactory()
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("engagement:read", args=[article.pk]), HTTP_USER_AGENT=BROWSER)
    counters.flush_reads()
    assert ReadHistory.objects.filter(user=user, article=article).exists()


def test_buffered_reads_survive_a_redis_crash_with_the_shipped_configuration(
    client, use_redis, durable_redis, settings
):
    settings.REDIS_RETRY_SECONDS = 0
    use_redis(durable_redis.url())
    article = ArticleFactory(view_count=0)
    for n in range(5):
        _beacon(client, article, _visitor(n))
    durable_redis.kill()  # SIGKILL, right after the replies
    durable_redis.start()
    assert counters.flush_reads() == 5
    assert _stored(article) == 5


# --- the database refusing connections -----------------------------------------------------


@pytest.fixture(params=["redis", "local"])
def buffer_kind(request, use_redis, private_redis, settings):
    if request.param == "redis":
        use_redis(private_redis.url())
    else:
        settings.REDIS_URL = ""
        counters.reset_read_buffer()
    return request.param


def test_the_read_beacon_counts_while_the_database_refuses_connections(client, buffer_kind):
    article = ArticleFactory(view_count=7)
    with database_refused():
        for n in range(3):
            assert _beacon(client, article, _visitor(n)).status_code == 204
        assert counters.reads_pending([article.pk]) == {article.pk: 3}
        with pytest.raises(OperationalError):
            counters.flush_reads()
    # Kept through the failed flush, written by the next one.
    assert counters.reads_pending([article.pk]) == {article.pk: 3}
    assert counters.flush_reads() == 3
    assert _stored(article) == 10


def test_a_signed_in_readers_beacon_counts_while_the_database_refuses(client, buffer_kind):
    article = ArticleFactory(view_count=0)
    client.force_login(UserFactory())
    with database_refused():
        assert _beacon(client, article, _visitor(9)).status_code == 204
    assert counters.flush_reads() == 1


def test_a_failed_flush_inside_a_beacon_keeps_the_reads(client, settings):
    """Without Redis the process flushes its own buffer from a beacon; the database refusing
    then must neither fail the beacon nor drop the reads."""
    settings.OPENHAO_READS_FLUSH_EVENTS = 1
    settings.REDIS_URL = ""
    counters.reset_read_buffer()
    article = ArticleFactory(view_count=0)
    with database_refused():
        assert _beacon(client, article, _visitor(1)).status_code == 204
        assert _beacon(client, article, _visitor(2)).status_code == 204
    assert counters.reads_pending([article.pk]) == {article.pk: 2}
    _beacon(client, article, _visitor(3))  # the database is back: this one flushes all three
    assert _stored(article) == 3


def test_reads_for_an_article_deleted_before_the_flush_are_dropped_quietly(client, use_redis):
    use_redis(closed_port_url())
    article = ArticleFactory(view_count=0)
    _beacon(client, article, _visitor(1))
    Article.objects.filter(pk=article.pk).delete()
    counters.flush_reads()  # nothing raised
    assert counters.reads_pending([article.pk]) == {article.pk: 0}


def test_redis_client_has_short_timeouts(use_redis, private_redis, settings):
    use_redis(private_redis.url())
    kwargs = counters.read_buffer().client.connection_pool.connection_kwargs
    assert kwargs["socket_connect_timeout"] == settings.REDIS_TIMEOUT_SECONDS
    assert kwargs["socket_timeout"] == settings.REDIS_TIMEOUT_SECONDS
    assert isinstance(counters.read_buffer().client, redis.Redis)


def test_a_flush_cut_off_by_redis_after_its_commit_is_not_applied_twice(
    client, use_redis, durable_redis, settings, monkeypatch
):
    """Redis dies between the database commit and the removal of the batch it applied; the
    batch comes back with Redis (append-only file) and must not be counted again."""
    settings.REDIS_RETRY_SECONDS = 0
    use_redis(durable_redis.url())
    article = ArticleFactory(view_count=0)
    for n in range(4):
        _beacon(client, article, _visitor(n))
    real_apply = counters.apply_increments

    def apply_then_die(increments, **kwargs):
        written = real_apply(increments, **kwargs)
        durable_redis.kill()
        return written

    monkeypatch.setattr(counters, "apply_increments", apply_then_die)
    counters.flush_reads()
    monkeypatch.setattr(counters, "apply_increments", real_apply)
    assert _stored(article) == 4
    durable_redis.start()
    counters.flush_reads()
    counters.flush_reads()
    assert _stored(article) == 4
    assert counters.reads_pending([article.pk]) == {article.pk: 0}
