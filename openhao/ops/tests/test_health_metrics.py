"""/healthz, /readyz, /metrics and the production log format, through HTTP."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from openhao.articles.tests.factories import ArticleFactory
from openhao.engagement.counters import flush_reads, read_record

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "metrics-token-for-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def metrics_token(settings):
    settings.OPENHAO_METRICS_TOKEN = TOKEN


def _scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _page_cache(samples, result) -> float:
    return samples[("openhao_page_cache_requests_total", (("result", result),))]


def test_healthz_touches_nothing(client):
    # No django_db mark: any query would raise.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Database(alias='default'): OK" in text
    assert "TaskQueue" in text
    assert response["Cache-Control"].startswith(("max-age=0", "no-cache", "private"))
    data = client.get("/readyz?format=json").json()
    assert set(data.values()) == {"OK"}


@pytest.mark.django_db
def test_readyz_fails_while_redis_is_away(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    line = next(x for x in response.content.decode().splitlines() if x.startswith("Redis"))
    assert "Unavailable" in line
    assert "Database(alias='default'): OK" in response.content.decode()


# Transactional: the checks run in threads, on connections of their own.
@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_the_task_queue_backs_up(client, settings):
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        pytest.skip("tasks run inline (TASKS_BACKEND is not django-tasks-db's)")
    from openhao.articles.tasks import purge_trash

    settings.OPENHAO_READYZ_MAX_TASKS_WAITING = 0
    purge_trash.enqueue()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "1 tasks waiting (limit 0)" in response.content.decode()


@pytest.mark.django_db  # the 404 page shows the channel nav
def test_metrics_are_not_public(client, settings):
    settings.OPENHAO_METRICS_TOKEN = ""
    settings.OPENHAO_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404
    settings.OPENHAO_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.django_db
def test_metrics_by_address_only_for_direct_connections(client, settings):
    settings.OPENHAO_METRICS_TOKEN = ""
    settings.OPENHAO_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404
    # Through a proxy every visitor has the proxy's address.
    proxied = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert proxied.status_code == 404


@pytest.mark.django_db
def test_page_cache_hit_ratio_counts_what_the_cache_did(client, metrics_token):
    article = ArticleFactory()
    before = _scrape(client)
    first = client.get(f"/article/{article.pk}/")
    second = client.get(f"/article/{article.pk}/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    after = _scrape(client)
    assert _page_cache(after, "miss") - _page_cache(before, "miss") == 1
    assert _page_cache(after, "hit") - _page_cache(before, "hit") == 1
    assert _page_cache(after, "bypass") == _page_cache(before, "bypass")
    requests = ("openhao_http_requests_total", (("method", "GET"), ("status", "200")))
    assert after[requests] - before[requests] >= 3  # two pages and the first scrape


@pytest.mark.django_db
def test_page_cache_bypass_is_counted_while_redis_is_away(client, metrics_token, monkeypatch):
    from openhao.common import cache as page_cache

    article = ArticleFactory()
    before = _scrape(client)
    monkeypatch.setattr(page_cache, "_cache_healthy", lambda: False)
    assert client.get(f"/article/{article.pk}/")["X-Page-Cache"] == "bypass"
    after = _scrape(client)
    assert _page_cache(after, "bypass") - _page_cache(before, "bypass") == 1


@pytest.mark.django_db
def test_read_buffer_depth(client, metrics_token, fresh_read_buffer):
    article = ArticleFactory()
    assert _scrape(client)[("openhao_read_buffer_depth", ())] == 0
    assert read_record(article_id=article.pk, visitor="v1")
    assert read_record(article_id=article.pk, visitor="v2")
    assert _scrape(client)[("openhao_read_buffer_depth", ())] == 2
    assert flush_reads() == 2
    assert _scrape(client)[("openhao_read_buffer_depth", ())] == 0


@pytest.mark.django_db
def test_task_queue_depth(client, metrics_token, settings):
    samples = _scrape(client)
    depth = [v for (name, _), v in samples.items() if name == "openhao_task_queue_depth"]
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        assert depth == []  # inline tasks have no queue to report
        return
    from openhao.articles.tasks import purge_trash

    purge_trash.enqueue()
    samples = _scrape(client)
    assert samples[("openhao_task_queue_depth", (("queue", "default"),))] == sum(depth) + 1


def test_production_logs_are_json_lines():
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    environ.update(DJANGO_SETTINGS_MODULE="openhao.settings.production", SECRET_KEY="s" * 50)
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('openhao.x').warning('读数 %d', 3)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "读数 3"
    assert (record["level"], record["logger"]) == ("WARNING", "openhao.x")
    assert record["time"].endswith("+00:00") and record["process"] > 0
