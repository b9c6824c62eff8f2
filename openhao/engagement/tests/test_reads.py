"""阅读数: one read per visitor and article per window, bots ignored, no database write per view,
batched flushes, pages showing stored + pending."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import counters, tasks

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def _stored(article) -> int:
    return Article.objects.get(pk=article.pk).view_count


def _read(client, article, agent=BROWSER, **extra):
    return client.post(
        reverse("engagement:read", args=[article.pk]), HTTP_USER_AGENT=agent, **extra
    )


def _actions(client, article) -> str:
    return client.get(reverse("engagement:article-actions", args=[article.pk])).content.decode()


def test_a_read_counts_once_per_visitor_and_never_writes_per_view(client):
    article = ArticleFactory(view_count=10)
    client.get(reverse("personal"))  # gives the anonymous visitor its id cookie
    assert client.cookies["oh_vid"].value
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert _read(client, article).status_code == 204
    assert not [q for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert _stored(article) == 10
    assert counters.reads_pending([article.pk]) == {article.pk: 1}
    assert '<span class="read-count">11</span>' in _actions(client, article)


def test_different_visitors_and_signed_in_users_count_separately(client):
    article = ArticleFactory(view_count=0)
    for _ in range(3):
        other = client.__class__()
        other.get(reverse("personal"))
        _read(other, article)
    user = UserFactory()
    client.force_login(user)
    _read(client, article)
    _read(client, article)
    assert counters.reads_pending([article.pk])[article.pk] == 4


def test_bots_and_empty_user_agents_are_ignored(client):
    article = ArticleFactory(view_count=0)
    for agent in ("Mozilla/5.0 (compatible; Googlebot/2.1)", "Baiduspider", "curl/8.0", ""):
        assert _read(client, article, agent=agent).status_code == 204
    assert counters.reads_pending([article.pk])[article.pk] == 0


def test_unpublished_articles_are_not_counted(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert _read(client, article).status_code == 404
    assert counters.reads_pending([article.pk])[article.pk] == 0


def test_flush_writes_pending_reads_in_one_go_and_pages_keep_the_total(client):
    articles = ArticleFactory.create_batch(3, view_count=5)
    for i, article in enumerate(articles):
        for n in range(i + 1):
            counters.read_record(article_id=article.pk, visitor=f"v{n}")
    assert counters.flush_reads() == 6
    assert [_stored(a) for a in articles] == [6, 7, 8]
    assert counters.reads_pending([a.pk for a in articles]) == {a.pk: 0 for a in articles}
    assert '<span class="read-count">8</span>' in _actions(client, articles[2])
    assert counters.flush_reads() == 0


def test_an_interrupted_flush_is_applied_by_the_next_one():
    article = ArticleFactory(view_count=0)
    buffer = counters.read_buffer()
    counters.read_record(article_id=article.pk, visitor="a")
    assert buffer.take() == {article.pk: 1}  # ... and the process dies before writing
    counters.read_record(article_id=article.pk, visitor="b")
    assert counters.reads_pending([article.pk])[article.pk] == 2
    counters.flush_reads()
    counters.flush_reads()
    assert _stored(article) == 2


def test_flush_command_and_task(capsys):
    article = ArticleFactory(view_count=0)
    counters.read_record(article_id=article.pk, visitor="a")
    call_command("flush_reads")
    assert "flushed 1 reads" in capsys.readouterr().out
    counters.read_record(article_id=article.pk, visitor="b")
    result = tasks.flush_reads_task.enqueue()
    assert result.return_value == 1
    assert _stored(article) == 2


def test_local_buffer_flushes_itself_after_enough_reads(settings):
    settings.OPENHAO_READS_FLUSH_EVENTS = 3
    article = ArticleFactory(view_count=0)
    buffer = counters.LocalReadBuffer()
    for visitor in ("a", "b"):
        buffer.record(article.pk, visitor)
    assert _stored(article) == 0
    buffer.record(article.pk, "c")
    assert _stored(article) == 3
    assert buffer.pending([article.pk]) == {article.pk: 0}


def test_article_page_carries_the_read_beacon_url(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-read-url="{reverse("engagement:read", args=[article.pk])}"' in html


def test_a_visitor_counts_again_once_the_window_has_passed(settings):
    buffer = counters.LocalReadBuffer()
    assert buffer.record(1, "v") is True
    assert buffer.record(1, "v") is False
    settings.OPENHAO_READ_DEDUP_SECONDS = 0
    buffer.clear()
    assert [buffer.record(1, "v"), buffer.record(1, "v")] == [True, True]


def test_redis_dedup_window_is_the_setting(settings):
    buffer = counters.read_buffer()
    if not isinstance(buffer, counters.RedisReadBuffer):
        pytest.skip("needs REDIS_URL")
    buffer.record(7, "v")
    ttl = buffer.client.ttl(f"{buffer.prefix}:seen:7:v")
    assert settings.OPENHAO_READ_DEDUP_SECONDS - 5 <= ttl <= settings.OPENHAO_READ_DEDUP_SECONDS
