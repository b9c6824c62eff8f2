"""Pieces of the fault scenarios: a private PostgreSQL cluster, the site's processes (gunicorn
and ``manage.py periodic`` with production settings), and a bounded load of page views and
read beacons on loopback.

Every server here is the run's own, on a free port, and is stopped at the end: the machine's
shared PostgreSQL and Redis are never touched.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import pwd
import random
import secrets
import shutil
import signal
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from openhao.common.tests.redis_server import free_port

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def log(line: str) -> None:
    print(line, flush=True)


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    found.sort(key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary directory, its own port); tests
    stop and start it. Run as the ``postgres`` user when we are root (initdb refuses root)."""

    def __init__(self):
        self.bin = _pg_bin()
        self.port = free_port()
        self.root: Path | None = None

    def unavailable_reason(self) -> str | None:
        if self.bin is None:
            return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no postgres user to run initdb as"
            if not shutil.which("runuser"):
                return "running as root and runuser is missing"
        return None

    def _cmd(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def init(self) -> PrivatePostgres:
        # Not under pytest's private temporary directory: the postgres user must reach it.
        self.root = Path(tempfile.mkdtemp(prefix="openhao-faults-pg-"))
        self.root.chmod(0o755)
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        subprocess.run(  # noqa: S603
            self._cmd(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
        )
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(  # noqa: S603
            self._cmd(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "postgres.log"),
                "-o",
                options,
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """Fast shutdown: connections are cut and new ones refused."""
        subprocess.run(  # noqa: S603
            self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
            check=True,
            capture_output=True,
        )

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        if self.root is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None


# --- the site ------------------------------------------------------------------------------


@dataclass
class Site:
    """A migrated, seeded OpenHao with production settings, and how to reach its data."""

    env: dict
    database_url: str
    articles: list[int] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 600, dev: bool = False) -> str:
        """Run a management command with the production settings (``dev``: the development
        ones, for the demo loader, which production refuses)."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "openhao.settings.dev"} if dev else self.env
        out = subprocess.run(  # noqa: S603
            [PY, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def total_reads(self) -> int:
        """Sum of the stored 阅读数, read straight from the database."""
        sql = "SELECT COALESCE(SUM(view_count), 0) FROM articles_article"
        if self.database_url.startswith("sqlite"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as conn:
                return int(conn.execute(sql).fetchone()[0])
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])


def production_env(*, tmp: Path, database_url: str, redis_url: str) -> dict:
    alphabet = string.ascii_letters + string.digits
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openhao.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "faults",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "OPENHAO_VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "OPENHAO_SERVE_MEDIA": "1",
        # Production queues tasks for `db_worker`; here the scheduler runs its jobs inline, so a
        # scenario measures the read path and not a worker's restarts (the worker path has its
        # own test, openhao/common/tests/test_task_worker.py).
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        # The scheduler flushes buffered reads every 2 s, so the scenarios can wait for them.
        "OPENHAO_PERIODIC_FLUSH_READS_SECONDS": "2",
        # Each simulated reader comes from an address of its own (as a proxy would say), so the
        # per-address read budgets apply, and keep working through the outages, without
        # stopping a load that all comes from loopback.
        "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    return env


def build_site(*, tmp: Path, database_url: str, redis_url: str, articles: int = 40) -> Site:
    env = production_env(tmp=tmp, database_url=database_url, redis_url=redis_url)
    site = Site(env, database_url)
    started = time.monotonic()
    site.manage("migrate", "--noinput", "-v0")
    site.manage("collectstatic", "--noinput", "-v0")
    site.manage("loaddemo", "--articles", str(articles), "--no-admin", dev=True)
    # Production refuses to start while the demo accounts have their published passwords.
    listing = site.manage(
        "shell",
        "-c",
        "import json\n"
        "from django.contrib.auth import get_user_model\n"
        "from openhao.demo.accounts import ACCOUNTS\n"
        "names = [a.username for a in ACCOUNTS]\n"
        "for user in get_user_model().objects.filter(username__in=names):\n"
        "    user.set_unusable_password()\n"
        "    user.save(update_fields=['password'])\n"
        "from openhao.articles.models import Article, Channel\n"
        "ids = list(Article.objects.filter(status='published').values_list('id', flat=True))\n"
        "slugs = list(Channel.objects.values_list('slug', flat=True))\n"
        "print(json.dumps({'ids': ids, 'slugs': slugs}))",
        dev=True,
    )
    data = json.loads(listing.strip().splitlines()[-1])
    site.articles = data["ids"]
    site.pages = ["/", *(f"/channel/{s}/" for s in data["slugs"])]
    site.pages += [f"/article/{i}/" for i in site.articles[:20]]
    log(
        f"  site: {len(site.articles)} articles, {len(site.pages)} pages "
        f"({time.monotonic() - started:.0f} s to build)"
    )
    return site


class App:
    """gunicorn (2 workers) and ``manage.py periodic``, each in its own process group."""

    def __init__(self, site: Site, log_dir: Path, workers: int = 2):
        self.site = site
        self.port = free_port()
        self.log_dir = log_dir
        self.workers = workers
        self.procs: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, cmd: list[str]) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as out:
            self.procs[name] = subprocess.Popen(  # noqa: S603
                cmd,
                cwd=REPO,
                env=self.site.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start(self) -> App:
        self._spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "openhao.wsgi:application",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "20",
            ],
        )
        self._spawn("periodic", [PY, "manage.py", "periodic", "--tick", "0.5"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail('gunicorn')}")

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM: gunicorn's workers finish their request and write what they hold."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --- HTTP and load -------------------------------------------------------------------------


def get(port: int, path: str, headers: dict | None = None, timeout: float = 10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER_UA, **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def post(port: int, path: str, body: str, headers: dict, timeout: float = 10) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "User-Agent": BROWSER_UA,
                "Content-Type": "application/x-www-form-urlencoded",
                **headers,
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def new_visitor(port: int, address: str, timeout: float = 10) -> tuple[int, str, str]:
    """What a browser's first page view gets from the personal fragment: (status, cookies for
    the beacon — the CSRF cookie and the signed visitor id —, the form's CSRF token)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/_/me", headers={"User-Agent": BROWSER_UA, "X-Real-IP": address})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            return response.status, "", ""
        cookies = [c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or []]
        return 200, "; ".join(cookies), json.loads(body)["csrf_token"]
    finally:
        conn.close()


@dataclass
class Outcome:
    at: float  # time.monotonic()
    kind: str  # "page" or "read"
    status: int  # 0: no answer (refused, reset, timed out)
    path: str
    error: str = ""


class Load:
    """A few threads alternating a page view and a read beacon of a new visitor, paced and
    capped: bounded in count and in time, loopback only."""

    def __init__(self, site: Site, port: int, *, threads: int = 3, pace: float = 0.02):
        self.site, self.port, self.threads, self.pace = site, port, threads, pace
        self.max_requests = 20_000
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def start(self) -> Load:
        for n in range(self.threads):
            thread = threading.Thread(target=self._run, args=(n,), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(30)

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)
            if len(self.outcomes) >= self.max_requests:
                self._stop.set()

    def _run(self, n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - load shape, not secrets
        while not self._stop.is_set():
            # A new reader: a page (from the cache), the personal fragment, the read beacon.
            address = f"10.{n}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            path = rng.choice(self.site.pages)
            self._one("page", path, lambda answer: answer[0], get, self.port, path)
            me = self._one("page", "/_/me", lambda me: me[0], new_visitor, self.port, address)
            if me and me[0] == 200:
                _, cookies, token = me
                read = f"/_/article/{rng.choice(self.site.articles)}/read"
                headers = {"Cookie": cookies, "X-Real-IP": address}
                body = f"csrfmiddlewaretoken={token}"
                self._one("read", read, lambda status: status, post, self.port, read, body, headers)
            time.sleep(self.pace)

    def _one(self, kind: str, path: str, status_of, send, *args):
        """Send one request, record its outcome; returns what ``send`` returned, or None."""
        at = time.monotonic()
        try:
            result = send(*args)
        except OSError as exc:
            self._record(Outcome(at, kind, 0, path, f"{type(exc).__name__}: {exc}"))
            return None
        self._record(Outcome(at, kind, status_of(result), path))
        return result

    # --- what happened ---

    def between(self, start: float, end: float, kind: str | None = None) -> list[Outcome]:
        with self._lock:
            return [
                o for o in self.outcomes if start <= o.at < end and (kind is None or o.kind == kind)
            ]

    def failures(self, start: float = 0.0, end: float = float("inf")) -> list[Outcome]:
        ok = {200, 204, 304}
        return [o for o in self.between(start, end) if o.status not in ok]

    def counted_reads(self) -> int:
        """Beacons the site acknowledged; each is a new visitor from an address of its own
        (within every budget), so each is a counted read."""
        with self._lock:
            return sum(1 for o in self.outcomes if o.kind == "read" and o.status == 204)


def wait_for(condition, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
