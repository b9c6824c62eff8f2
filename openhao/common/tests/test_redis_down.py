"""Redis is not a single point of failure: with it unreachable the site renders from the
database, rate limits hold per process, and when it returns everything resumes by itself.

The unreachable Redis is a closed port (refused at once) or a socket that accepts and never
answers (every call would wait for the timeout); recovery uses the run's private redis-server.
"""

from __future__ import annotations

import logging
import socket
import threading

import pytest
from django.core.cache import cache
from django.urls import reverse

from openhao.articles.tests.factories import ArticleFactory
from openhao.common import redis_health
from openhao.common.cache import bump_tags
from openhao.common.tests.redis_server import closed_port_url
from openhao.creators.tests.factories import UserFactory
from openhao.engagement.models import Comment

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


@pytest.fixture
def redis_gone(use_redis):
    use_redis(closed_port_url())


class SilentRedis:
    """Accepts connections and never answers: a hung or unroutable Redis."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.accepted = 0
        self._held = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self._held:
            conn.close()


def test_pages_render_from_the_database_while_redis_is_unreachable(client, redis_gone):
    article = ArticleFactory(title="缓存宕机时的文章")
    for path in ("/", f"/article/{article.pk}/", f"/channel/{article.channel.slug}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Page-Cache"] == "bypass"
    assert "缓存宕机时的文章" in client.get(f"/article/{article.pk}/").content.decode()


def test_an_unreachable_redis_is_logged_once_per_interval_not_per_request(
    client, redis_gone, caplog
):
    article = ArticleFactory()
    with caplog.at_level(logging.WARNING, logger="openhao.redis"):
        for _ in range(5):
            assert client.get(f"/article/{article.pk}/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "openhao.redis"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_a_hung_redis_is_tried_once_per_retry_interval_not_on_every_call(
    client, use_redis, settings
):
    silent = SilentRedis()
    try:
        settings.REDIS_TIMEOUT_SECONDS = 0.2
        settings.REDIS_RETRY_SECONDS = 60
        settings.REDIS_CLIENT_OPTIONS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
        use_redis(silent.url)
        article = ArticleFactory()
        for _ in range(5):
            assert client.get(f"/article/{article.pk}/").status_code == 200
        # The first call waited for its timeout and opened the circuit; nothing after it
        # touched the socket.
        assert silent.accepted == 1
    finally:
        silent.close()


def test_rate_limits_fall_back_to_a_per_process_limiter(client, redis_gone, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "comment": "2/m/user"}
    article = ArticleFactory(comment_count=0)
    client.force_login(UserFactory())
    url = reverse("engagement:comments", args=[article.pk])
    statuses = [client.post(url, {"body": f"第{i}条跟贴"}).status_code for i in range(3)]
    assert statuses[2] == 429
    assert Comment.objects.count() == 2


def test_share_beacon_counts_once_per_visitor_while_redis_is_unreachable(client, redis_gone):
    article = ArticleFactory(share_count=0)
    url = reverse("engagement:share", args=[article.pk])
    for _ in range(3):
        assert client.post(url, {"channel": "qq"}, HTTP_USER_AGENT=BROWSER).status_code == 204
    article.refresh_from_db()
    assert article.share_count == 1


def test_the_page_cache_resumes_by_itself_when_redis_returns(
    client, use_redis, private_redis, settings
):
    settings.REDIS_RETRY_SECONDS = 0  # try again on the next call
    use_redis(private_redis.url())
    article = ArticleFactory()
    path = f"/article/{article.pk}/"
    assert [client.get(path)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    private_redis.kill()
    assert client.get(path)["X-Page-Cache"] == "bypass"
    assert client.get(path).status_code == 200
    private_redis.start()
    # The restarted Redis is empty: the first page is rendered again, then served from it.
    assert [client.get(path)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert not redis_health.breaker(private_redis.url()).down


def test_tags_bumped_while_redis_was_away_are_bumped_again_when_it_returns(
    client, use_redis, durable_redis, settings
):
    """Redis kept its data (an append-only file, or a network cut): a change made during the
    outage could not invalidate the pages cached before it, so it is replayed on return."""
    settings.REDIS_RETRY_SECONDS = 0
    use_redis(durable_redis.url())
    article = ArticleFactory(title="旧标题")
    path = f"/article/{article.pk}/"
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"
    durable_redis.kill()
    article.title = "宕机期间改的标题"
    article.save()  # bumps article:<id> — into the void
    assert "宕机期间改的标题" in client.get(path).content.decode()
    durable_redis.start()
    response = client.get(path)
    assert "宕机期间改的标题" in response.content.decode()
    assert response["X-Page-Cache"] == "miss"


def test_fragments_are_built_while_redis_is_unreachable(redis_gone):
    from openhao.common.cache import fragment

    calls = []
    for _ in range(2):
        assert fragment("x", ["lists"], lambda: calls.append(1) or "built") == "built"
    assert len(calls) == 2
    bump_tags("lists")  # no error either
    assert cache.get("anything") is None
