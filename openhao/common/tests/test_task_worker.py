"""Tasks run by a real ``manage.py db_worker`` (django-tasks-db) in a separate process: a
scheduled publish, follower notifications, image renditions and an edge purge; and a worker
killed in the middle of a task, whose task is requeued (openhao/common/worker.py), run again and
completed once.

Runs when the suite itself is on the worker backend and PostgreSQL (the worker must see the
test database): ``.ci/run`` has a step for it. Elsewhere it is skipped, unless
OPENHAO_REQUIRE_WORKER=1, where that fails."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from openhao.articles import services as article_services
from openhao.articles.models import Article, ArticleImage
from openhao.articles.tests.factories import ArticleFactory
from openhao.common import cache as page_cache
from openhao.common.worker import requeue_abandoned
from openhao.creators.tests.factories import CreatorFactory
from openhao.engagement.models import Notification
from openhao.engagement.tests.factories import FollowFactory

from .fake_edge import FakeEdge

ROOT = Path(__file__).resolve().parents[3]


def _skip_reason() -> str:
    if not apps.is_installed("django_tasks_db"):
        return "the suite runs on the immediate task backend (TASKS_BACKEND)"
    if connection.vendor != "postgresql":
        return "the worker tests need PostgreSQL (DATABASE_URL)"
    return ""


@pytest.fixture(autouse=True)
def _needs_worker_backend():
    reason = _skip_reason()
    if reason and os.environ.get("OPENHAO_REQUIRE_WORKER", "").strip() == "1":
        pytest.fail(f"OPENHAO_REQUIRE_WORKER=1 but the worker tests cannot run: {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture
def fake_edge(settings):
    edge = FakeEdge()
    settings.OPENHAO_EDGE_PURGE_URLS = [edge.url]
    yield edge
    edge.close()


@pytest.fixture
def media_dir(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


class Workers:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.procs.append(proc)
        return proc

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(transactional_db, media_dir, fake_edge, settings):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openhao.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "OPENHAO_TEST_MEDIA_ROOT": str(media_dir),
        "OPENHAO_EDGE_PURGE_URLS": fake_edge.url,
        "OPENHAO_PREREVIEW_ARTICLES": "0",
    }
    settings.OPENHAO_PREREVIEW_ARTICLES = 0
    pool = Workers(env)
    yield pool
    pool.stop()


def wait_for(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


def task_rows(path: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=path)


def test_the_worker_publishes_on_time_notifies_and_purges_the_edge(workers, fake_edge):
    workers.start()
    article = ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=None,
        body_html="<p>定时发布的文章正文，写得足够长，可以通过发布前的检查。</p>",
    )
    followers = [FollowFactory(creator=article.creator) for _ in range(3)]
    article_services.article_submit(article=article, at=timezone.now() + timedelta(seconds=2))
    assert Article.objects.get(pk=article.pk).status == Article.Status.SCHEDULED

    wait_for(lambda: Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED)
    wait_for(lambda: Notification.objects.filter(article=article).count() == len(followers))
    wait_for(lambda: any(f"article:{article.pk}" in tags.split() for tags in fake_edge.answered))
    for path in (
        "openhao.articles.tasks.publish_due_articles",
        "openhao.engagement.tasks.notify_followers_task",
    ):
        wait_for(lambda path=path: task_rows(path).filter(status="SUCCESSFUL").exists())
        assert not task_rows(path).exclude(status="SUCCESSFUL").exists()


def test_the_worker_makes_renditions(workers, media_dir):
    workers.start()
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 120, 200)).save(buffer, "PNG")
    upload = SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
    image = article_services.image_upload(creator=CreatorFactory(), upload=upload)

    renditions = wait_for(lambda: ArticleImage.objects.get(pk=image.pk).renditions)
    assert set(renditions) == {"640.webp", "640.jpg", "1280.webp", "1280.jpg"}
    for name in renditions.values():
        assert (media_dir / name).stat().st_size > 0


def test_a_worker_killed_mid_task_leaves_it_to_be_run_again_once(workers, fake_edge):
    fake_edge.hold = True
    first = workers.start()
    page_cache.bump_tags("article:424242")

    assert fake_edge.arrived.wait(60), "the worker never started the purge"
    first.send_signal(signal.SIGKILL)  # inside the task: the purge request is in flight
    first.wait(10)
    fake_edge.release.set()
    row = task_rows("openhao.common.tasks.purge_edge_task").get()
    assert row.status == "RUNNING"  # what a dead worker leaves behind
    assert requeue_abandoned(lease_seconds=3600) == 0  # within its lease: not touched

    workers.start()
    time.sleep(1)
    row.refresh_from_db()
    assert row.status == "RUNNING"  # db_worker alone never looks at it again
    assert requeue_abandoned(lease_seconds=0) == 1
    wait_for(lambda: task_rows("openhao.common.tasks.purge_edge_task").get().status == "SUCCESSFUL")

    row.refresh_from_db()
    assert len(row.worker_ids) == 2  # claimed by the killed worker, then by the second
    assert fake_edge.received == ["article:424242", "article:424242"]
    assert fake_edge.answered == ["article:424242"]  # completed once
    assert requeue_abandoned(lease_seconds=0) == 0
