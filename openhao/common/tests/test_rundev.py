"""``make run``: one command starts the development server and the scheduler, and stopping it
stops both; HOST and PORT choose the address; development settings write reads at once."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from openhao.common.management.commands.rundev import child_environment

ROOT = Path(__file__).resolve().parents[3]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def test_make_run_passes_host_and_port_to_rundev():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8100", "HOST=0.0.0.0"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "manage.py loaddemo" in dry
    assert dry.strip().splitlines()[-1].endswith("manage.py rundev --host 0.0.0.0 --port 8100")
    default = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "rundev --host 127.0.0.1 --port 8000" in default


def test_children_follow_the_address_served():
    env = child_environment("127.0.0.1", 8100, {})
    assert env["OPENHAO_BASE_URL"] == "http://127.0.0.1:8100"
    assert set(env["ALLOWED_HOSTS"].split(",")) >= {"127.0.0.1", "localhost"}
    assert env["DJANGO_SETTINGS_MODULE"] == "openhao.settings.dev"

    lan = child_environment("192.168.1.20", 8000, {})
    assert "192.168.1.20" in lan["ALLOWED_HOSTS"].split(",")
    assert lan["OPENHAO_BASE_URL"] == "http://192.168.1.20:8000"

    anywhere = child_environment("0.0.0.0", 9000, {})  # noqa: S104
    assert anywhere["ALLOWED_HOSTS"] == "*"
    assert anywhere["OPENHAO_BASE_URL"] == "http://127.0.0.1:9000"

    explicit = {"ALLOWED_HOSTS": "hao.test", "OPENHAO_BASE_URL": "http://hao.test"}
    kept = child_environment("0.0.0.0", 9000, explicit)  # noqa: S104
    assert kept["ALLOWED_HOSTS"] == "hao.test"
    assert kept["OPENHAO_BASE_URL"] == "http://hao.test"


def test_rundev_is_for_development_only():
    with pytest.raises(CommandError, match="development server"):
        call_command("rundev")  # the test settings have DEBUG off, like production


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> dict[int, str]:
    """Process id → command line of every descendant of ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        commands[int(entry.name)] = cmdline
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = commands.get(child, "")
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_rundev_serves_with_the_scheduler_and_ctrl_c_stops_both(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="openhao.settings.dev",
        OPENHAO_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    log = (tmp_path / "rundev.log").open("w")
    launcher = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "rundev", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5):
                    status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code  # answered: the server is up (the database is empty)
            except OSError:
                assert launcher.poll() is None, (tmp_path / "rundev.log").read_text()
                time.sleep(0.5)
        assert status is not None, (tmp_path / "rundev.log").read_text()
        family = _descendants(launcher.pid)
        commands = " | ".join(family.values())
        assert "manage.py periodic" in commands
        assert f"manage.py runserver 127.0.0.1:{port}" in commands

        launcher.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert launcher.wait(timeout=60) == 0
        time.sleep(0.5)
        assert not [pid for pid in family if _alive(pid)], family
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        assert "Server and scheduler stopped." in (tmp_path / "rundev.log").read_text()
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
        for pid in _descendants(launcher.pid):
            os.kill(pid, signal.SIGKILL)
        log.close()


@pytest.mark.django_db
def test_development_settings_write_every_read_at_once(client, fresh_read_buffer):
    """What `make run` does without Redis: a read shows in the counter and in 数据中心 at
    once, with no scheduler involved."""
    from openhao.analytics.models import ArticleDailyStats
    from openhao.articles.models import Article
    from openhao.articles.tests.factories import ArticleFactory
    from openhao.settings import dev

    if os.environ.get("REDIS_URL"):
        pytest.skip("with Redis the scheduler flushes the shared buffer")
    assert dev.OPENHAO_READS_FLUSH_EVENTS == 1
    article = ArticleFactory(view_count=7)
    client.get(reverse("personal"))
    with override_settings(OPENHAO_READS_FLUSH_EVENTS=dev.OPENHAO_READS_FLUSH_EVENTS):
        response = client.post(
            reverse("engagement:read", args=[article.pk]), HTTP_USER_AGENT=BROWSER
        )
    assert response.status_code == 204
    assert Article.objects.get(pk=article.pk).view_count == 8
    assert ArticleDailyStats.objects.get(article=article).reads == 1
