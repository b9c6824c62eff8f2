"""Driver of `make bench-pages`: article page throughput, uncached, cached and a static ceiling.

Steps: tools (wrk, nginx) -> PostgreSQL database and migrations -> generated corpus
(bench/generate.py) -> collectstatic -> one profiled render (queries, time) -> wrk against
gunicorn with the page cache off, then on -> wrk against the edge cache (Varnish with the shipped
deploy/varnish/openhao.vcl) in front of gunicorn -> wrk against nginx serving a file of the same
size.
See bench/README.md for the knobs. Every server binds to 127.0.0.1 and is stopped on exit.

The last line printed is the summary:
``article page: N req/s uncached, M req/s cached, E req/s edge, static ceiling S req/s``.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PY = sys.executable
BIN = Path(PY).parent
STATUS_LUA = BENCH / "wrk" / "status.lua"
SBIN_PATH = os.environ.get("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin"

OUTPUT: list[str] = []


def log(line: str = "") -> None:
    print(line, flush=True)
    OUTPUT.append(line)


class BenchError(RuntimeError):
    pass


# --- knobs -------------------------------------------------------------------------------


@dataclass
class Knobs:
    database_url: str = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openhao_bench"
    )
    redis_url: str = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    duration: str = os.environ.get("BENCH_DURATION", "15s")
    warmup: str = os.environ.get("BENCH_WARMUP", "3s")
    threads: int = int(os.environ.get("BENCH_THREADS", "2"))
    connections: int = int(os.environ.get("BENCH_CONNECTIONS", "32"))
    workers: int = int(os.environ.get("BENCH_WORKERS", "2"))
    # The app server: gunicorn sync workers (the reference figures), gunicorn gthread, or granian.
    app_server: str = os.environ.get("BENCH_APP_SERVER", "sync")  # sync | gthread | granian
    # Threads per worker: gthread's --threads, granian's --blocking-threads.
    app_threads: int = int(os.environ.get("BENCH_APP_THREADS", "0"))
    port: int = int(os.environ.get("BENCH_PORT", "0"))
    article_id: str = os.environ.get("BENCH_ARTICLE_ID", "")
    static_server: str = os.environ.get("BENCH_STATIC_SERVER", "nginx")  # nginx | gunicorn
    nginx_keepalive: bool = os.environ.get("BENCH_NGINX_KEEPALIVE", "1") != "0"
    wrk: str = "wrk"


# --- processes ---------------------------------------------------------------------------

STARTED: list[subprocess.Popen] = []


def start(cmd: list[str], *, env: dict | None = None, log_path: Path) -> subprocess.Popen:
    """Start a server in its own process group, so that stopping it stops its workers too."""
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass
    if proc in STARTED:
        STARTED.remove(proc)


def stop_all() -> None:
    for proc in list(STARTED):
        stop(proc)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def run(cmd: list[str], *, env: dict | None = None, quiet: bool = False) -> list[str]:
    """Run a command to completion, echoing (and returning) its output."""
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip("\n")
        lines.append(line)
        if not quiet:
            log(f"    {line}")
    if proc.wait() != 0:
        if quiet:
            for line in lines[-30:]:
                log(f"    {line}")
        raise BenchError(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    return lines


def load_average() -> str:
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


# --- tools -------------------------------------------------------------------------------


def ensure_tool(name: str, *, required: bool) -> str | None:
    found = shutil.which(name, path=SBIN_PATH)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"  {name} missing: apt-get install -y {name}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", name]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True)
            subprocess.run(install, env=env, capture_output=True)
        found = shutil.which(name, path=SBIN_PATH)
        if found:
            return found
    message = (
        f"{name} is not installed and cannot be installed here "
        f"(run as root, or `sudo apt-get install -y {name}`)"
    )
    if required:
        raise BenchError(message)
    log(f"  note: {message}")
    return None


# --- database and cache ------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                log(f"  created database {name}")
            else:
                log(f"  database {name} exists")
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL is not reachable at {admin_url}: {exc}") from exc


def flush_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).flushdb()
    except redis.RedisError as exc:
        raise BenchError(f"Redis is not reachable at {url}: {exc}") from exc


# --- HTTP and wrk ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, body
    finally:
        conn.close()


def wait_ready(port: int, proc: subprocess.Popen, path: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"server exited ({proc.returncode}); log:\n{tail(log_path)}")
        try:
            if fetch(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"server did not answer {path} within 60 s; log:\n{tail(log_path)}")


@dataclass
class WrkResult:
    label: str
    rps: float
    requests: int
    latency_avg: str
    latency_p50: str
    latency_p99: str
    socket_errors: str
    statuses: dict[int, int] = field(default_factory=dict)


def wrk(
    knobs: Knobs, url: str, label: str, duration: str, *, echo: bool = True, count: bool = True
) -> WrkResult:
    """Run wrk. With ``count``, a Lua hook counts every status code and anything but 200 fails
    the run. Without it (static ceiling: the hook copies each body into Lua and costs a quarter
    of nginx's throughput) wrk's own counter fails the run on any status >= 400."""
    cmd = [knobs.wrk, f"-t{knobs.threads}", f"-c{knobs.connections}", f"-d{duration}"]
    cmd += ["--timeout", "10s", "--latency"]
    if count:
        cmd += ["-s", str(STATUS_LUA)]
    cmd.append(url)
    if echo:
        log(f"  $ {' '.join(cmd)}")
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if echo:
        for line in out.stdout.splitlines():
            log(f"    {line}")
    if out.returncode != 0:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr.strip()}")
    text = out.stdout

    def grab(pattern: str, default: str = "") -> str:
        m = re.search(pattern, text, re.MULTILINE)
        return m.group(1) if m else default

    statuses = {int(c): int(n) for c, n in re.findall(r"^status (\d+) (\d+)$", text, re.M)}
    result = WrkResult(
        label=label,
        rps=float(grab(r"^Requests/sec:\s+([\d.]+)", "0")),
        requests=int(grab(r"^\s*(\d+) requests in ", "0")),
        latency_avg=grab(r"^\s+Latency\s+(\S+)"),
        latency_p50=grab(r"^\s+50%\s+(\S+)"),
        latency_p99=grab(r"^\s+99%\s+(\S+)"),
        socket_errors=grab(r"^\s+Socket errors: (.+)$", "none"),
        statuses=statuses,
    )
    non2xx = int(grab(r"Non-2xx or 3xx responses: (\d+)", "0"))
    bad = {code: n for code, n in statuses.items() if code != 200}
    if non2xx or bad or not result.requests or (count and not statuses.get(200)):
        raise BenchError(
            f"{label}: responses other than 200: {bad or statuses or 'none at all'} "
            f"(wrk non-2xx/3xx: {non2xx})"
        )
    if result.socket_errors != "none":
        log(f"  warning: {label}: socket errors: {result.socket_errors}")
    return result


# --- the runs ----------------------------------------------------------------------------


def prod_env(knobs: Knobs, port: int, static_root: Path, *, page_cache: bool) -> dict:
    alphabet = string.ascii_letters + string.digits + "!#%()*+-.:;<=>?@[]^_{|}~"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openhao.settings.production",
        "DATABASE_URL": knobs.database_url,
        "REDIS_URL": knobs.redis_url,
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OPENHAO_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "OPENHAO_SERVE_MEDIA": "1",
        "OPENHAO_PAGE_CACHE_ENABLED": "1" if page_cache else "0",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    return env


def app_threads(knobs: Knobs) -> int:
    """Threads per worker: BENCH_APP_THREADS, else 1 for granian and 4 for gthread."""
    return knobs.app_threads or (1 if knobs.app_server == "granian" else 4)


def app_server_cmd(knobs: Knobs, port: int) -> list[str]:
    if knobs.app_server == "granian":
        return [
            str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(knobs.workers),
            "--blocking-threads", str(app_threads(knobs)), "--no-ws",
            "--log-level", "warning", "openhao.wsgi:application",
        ]  # fmt: skip
    cmd = [
        PY, "-m", "gunicorn", "openhao.wsgi:application", "-w", str(knobs.workers),
        "-b", f"127.0.0.1:{port}", "--timeout", "60",
    ]  # fmt: skip
    if knobs.app_server == "gthread":
        cmd += ["-k", "gthread", "--threads", str(app_threads(knobs))]
    elif knobs.app_server != "sync":
        raise BenchError(f"BENCH_APP_SERVER={knobs.app_server!r}: want sync, gthread or granian")
    return cmd


def app_server_label(knobs: Knobs) -> str:
    if knobs.app_server == "granian":
        return f"granian {knobs.workers} workers x {app_threads(knobs)} blocking threads"
    if knobs.app_server == "gthread":
        return f"gunicorn {knobs.workers} gthread workers x {app_threads(knobs)} threads"
    return f"gunicorn {knobs.workers} sync workers"


def start_app(knobs: Knobs, env: dict, port: int, log_path: Path) -> subprocess.Popen:
    """The app server of the runs (BENCH_APP_SERVER; gunicorn sync workers by default)."""
    cmd = app_server_cmd(knobs, port)
    log(f"  $ {' '.join(cmd)}")
    proc = start(cmd, env=env, log_path=log_path)
    wait_ready(port, proc, "/healthz", log_path)
    return proc


def check_page(port: int, path: str, log_path: Path) -> tuple[dict[str, str], bytes]:
    status, headers, body = fetch(port, path)
    if status != 200:
        snippet = body[:400].decode(errors="replace")
        raise BenchError(
            f"GET {path} answered {status} (want 200)\n{snippet}\nserver log:\n{tail(log_path)}"
        )
    return headers, body


def profile_render(knobs: Knobs, env: dict, path: str) -> None:
    """One cold and a few warm renders in-process, with the page cache off: query count and
    time, and the warm render's queries."""
    flush_redis(knobs.redis_url)
    run([PY, str(BENCH / "pages.py"), "--profile", path], env=env)


def _profile_main(path: str) -> None:
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    runs = []
    for _ in range(8):
        queries: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context, queries=queries):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(((time.perf_counter() - t0) * 1000, sql))

        with connection.execute_wrapper(timed):
            t = time.perf_counter()
            response = client.get(path, HTTP_HOST="127.0.0.1")
            ms = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            print(f"profile: GET {path} answered {response.status_code}")
            print(response.content[:800].decode(errors="replace"))
            raise SystemExit(1)
        runs.append((ms, queries))
    cold_ms, cold_q = runs[0]
    print(
        f"first render (new process, empty cache: fragments built): {len(cold_q)} queries, "
        f"{cold_ms:.0f} ms"
    )
    warm = runs[3:]
    warm_ms = statistics.median(ms for ms, _ in warm)
    last = warm[-1][1]
    db_ms = sum(q_ms for q_ms, _ in last)
    print(
        f"later renders (fragments cached): {len(last)} queries taking {db_ms:.1f} ms; "
        f"median render {warm_ms:.1f} ms in-process"
    )
    for q_ms, sql in last:
        sql = " ".join(sql.split())
        print(f"  {q_ms:6.2f} ms  {sql[:140]}")


def bench_gunicorn(
    knobs: Knobs, label: str, env: dict, port: int, path: str, log_path: Path, cached: bool
) -> tuple[WrkResult, bytes]:
    flush_redis(knobs.redis_url)
    proc = start_app(knobs, env, port, log_path)
    try:
        headers, body = check_page(port, path, log_path)
        if cached:
            first = headers.get("x-page-cache")
            headers, body = check_page(port, path, log_path)
            second = headers.get("x-page-cache")
            log(f"  X-Page-Cache: {first} then {second}")
            if second != "hit":
                raise BenchError(f"cached run: second request X-Page-Cache={second!r}, want hit")
        elif "x-page-cache" in headers:
            raise BenchError(f"uncached run: got X-Page-Cache={headers['x-page-cache']}")
        url = f"http://127.0.0.1:{port}{path}"
        wrk(knobs, url, f"{label} warm-up", knobs.warmup, echo=False)
        result = wrk(knobs, url, label, knobs.duration)
        if cached and fetch(port, path)[1].get("x-page-cache") != "hit":
            raise BenchError("cached run: page no longer served from the cache after the run")
        return result, body
    finally:
        stop(proc)


def bench_edge(
    knobs: Knobs, env: dict, port: int, path: str, log_path: Path
) -> tuple[WrkResult, bytes]:
    """Varnish (deploy/varnish/openhao.vcl) in front of the cached gunicorn: a page that is an
    edge hit never reaches Python."""
    sys.path.insert(0, str(REPO))
    from openhao.common.tests.varnish import Varnish, unavailable_reason

    reason = unavailable_reason()
    if reason:
        raise BenchError(reason)
    flush_redis(knobs.redis_url)
    edge = Varnish("127.0.0.1", port, memory="256m")
    env = {**env, "OPENHAO_EDGE_PURGE_URLS": f"{edge.url}/"}
    proc = start_app(knobs, env, port, log_path)
    try:
        edge.start()
        log(
            f"  $ varnishd -a 127.0.0.1:{edge.port} -f deploy/varnish/openhao.vcl (backend :{port})"
        )
        headers, body = check_page(edge.port, path, log_path)
        first = headers.get("x-edge-cache")
        headers, body = check_page(edge.port, path, log_path)
        second = headers.get("x-edge-cache")
        log(f"  X-Edge-Cache: {first} then {second}")
        if second != "hit" or "xkey" in headers:
            raise BenchError(f"edge run: second request X-Edge-Cache={second!r}, want hit")
        url = f"{edge.url}{path}"
        # Measured like the static ceiling, without the Lua status hook (it copies every body
        # into Lua and costs about a quarter of the throughput): wrk still fails the run on any
        # status >= 400, and Varnish's own counters below prove the requests were hits.
        wrk(knobs, url, "edge warm-up", knobs.warmup, echo=False, count=False)
        before = edge_counters(edge)
        result = wrk(knobs, url, "edge", knobs.duration, count=False)
        after = edge_counters(edge)
        served = {k: after[k] - before.get(k, 0) for k in after}
        log(
            f"  varnish: {served['client_req']} requests, {served['cache_hit']} hits, "
            f"{served['cache_miss']} misses, {served['s_pass']} passes"
        )
        if served["cache_hit"] < 0.99 * served["client_req"]:
            raise BenchError(f"edge run: not served from the edge ({served})")
        if fetch(edge.port, path)[1].get("x-edge-cache") != "hit":
            raise BenchError("edge run: page no longer served from the edge after the run")
        return result, body
    finally:
        edge.stop()
        stop(proc)


def edge_counters(edge) -> dict[str, int]:
    """Varnish's request, hit, miss and pass counters (varnishstat on its working directory)."""
    names = ("client_req", "cache_hit", "cache_miss", "s_pass")
    cmd = [shutil.which("varnishstat") or "/usr/bin/varnishstat", "-n", str(edge.root / "work")]
    cmd += ["-1", *(a for n in names for a in ("-f", f"MAIN.{n}"))]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = {
        m[0].removeprefix("MAIN."): int(m[1]) for m in re.findall(r"^(\S+)\s+(\d+)", out, re.M)
    }
    return {n: found.get(n, 0) for n in names}


def nginx_conf(knobs: Knobs, root: Path, tmp: Path, port: int) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    keepalive = "" if knobs.nginx_keepalive else "    keepalive_timeout 0;\n"
    temps = "".join(
        f"    {kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes {knobs.workers};\n"
        "daemon off;\n"
        f"pid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'nginx-error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    access_log off;\n"
        f"{temps}"
        "    types { text/html html; }\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        f"{keepalive}"
        "    server {\n"
        f"        listen 127.0.0.1:{port};\n"
        f"        root {root};\n"
        "    }\n"
        "}\n"
    )


def bench_static(
    knobs: Knobs, nginx: str | None, page: bytes, tmp: Path, gunicorn_env: dict, port: int
) -> tuple[WrkResult, str]:
    if nginx and knobs.static_server == "nginx":
        root = tmp / "www"
        root.mkdir()
        (root / "article.html").write_bytes(page)
        nport = free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_conf(knobs, root, tmp, nport))
        log_path = tmp / "nginx.log"
        cmd = [nginx, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(conf)]
        log(f"  $ {' '.join(cmd)}")
        proc = start(cmd, log_path=log_path)
        server = f"nginx, {knobs.workers} workers"
        if not knobs.nginx_keepalive:
            server += ", no keep-alive"
        path = "/article.html"
        try:
            wait_ready(nport, proc, path, log_path)
            return _bench_static_url(knobs, nport, path, page, log_path), server
        finally:
            stop(proc)
    why = "nginx unavailable" if knobs.static_server == "nginx" else "BENCH_STATIC_SERVER"
    log(f"  {why}: serving the static file through gunicorn/WhiteNoise instead of nginx")
    static_file = Path(gunicorn_env["STATIC_ROOT"]) / "bench" / "article.html"
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(page)
    log_path = tmp / "gunicorn-static.log"
    proc = start_app(knobs, gunicorn_env, port, log_path)
    try:
        result = _bench_static_url(knobs, port, "/static/bench/article.html", page, log_path)
        return result, f"gunicorn+WhiteNoise ({why})"
    finally:
        stop(proc)
        static_file.unlink(missing_ok=True)


def _bench_static_url(knobs, port, path, page, log_path) -> WrkResult:
    _, body = check_page(port, path, log_path)
    if len(body) != len(page):
        raise BenchError(f"static file is {len(body)} bytes, page is {len(page)}")
    url = f"http://127.0.0.1:{port}{path}"
    wrk(knobs, url, "static warm-up", knobs.warmup, echo=False, count=False)
    result = wrk(knobs, url, "static ceiling", knobs.duration, count=False)
    check_page(port, path, log_path)
    return result


# --- main --------------------------------------------------------------------------------


def main() -> int:
    knobs = Knobs()
    started = time.monotonic()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - local time in a file name
    out_dir = REPO / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    out_file = out_dir / f"pages-{stamp}.txt"
    tmp = Path(tempfile.mkdtemp(prefix="openhao-bench-"))
    signal.signal(signal.SIGTERM, _on_signal)
    summary = ""
    try:
        log(f"== openhao bench-pages {stamp} ({os.cpu_count()} CPUs, {load_average()})")
        log("== tools")
        knobs.wrk = ensure_tool("wrk", required=True)
        nginx = ensure_tool("nginx", required=False) if knobs.static_server == "nginx" else None
        log(f"  wrk: {knobs.wrk}, nginx: {nginx or 'none'}")

        log(f"== database {redact(knobs.database_url)}")
        ensure_database(knobs.database_url)
        dev_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "openhao.settings.dev",
            "DATABASE_URL": knobs.database_url,
        }
        dev_env.pop("REDIS_URL", None)
        # Production keeps its task queue in the database (django-tasks-db): create that table.
        dev_env["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
        run([PY, "manage.py", "migrate", "--noinput"], env=dev_env, quiet=True)
        log("  migrations applied")
        lines = run([PY, str(BENCH / "generate.py")], env=dev_env)
        picked = next(
            (ln.split(":", 1)[1].strip() for ln in reversed(lines) if ln.startswith("rich-art")),
            "",
        )
        article_id = knobs.article_id or picked
        if not article_id:
            raise BenchError("generate.py did not name an article to benchmark")
        path = f"/article/{article_id}/"

        port = knobs.port or free_port()
        static_root = REPO / "var" / "bench" / "static"
        uncached_env = prod_env(knobs, port, static_root, page_cache=False)
        cached_env = {**uncached_env, "OPENHAO_PAGE_CACHE_ENABLED": "1"}
        log("== collectstatic")
        run([PY, "manage.py", "collectstatic", "--noinput"], env=uncached_env, quiet=True)
        log(f"  {static_root}")

        log(f"== article http://127.0.0.1:{port}{path}")
        log("  profile of one uncached render (page cache off, in-process test client):")
        profile_render(knobs, uncached_env, path)

        log("== uncached: gunicorn, OPENHAO_PAGE_CACHE_ENABLED=0")
        uncached, page = bench_gunicorn(
            knobs, "uncached", uncached_env, port, path, tmp / "gunicorn-uncached.log", False
        )
        log(f"  page: {len(page)} bytes of HTML")

        log("== cached: gunicorn, OPENHAO_PAGE_CACHE_ENABLED=1 (Redis)")
        cached, page = bench_gunicorn(
            knobs, "cached", cached_env, port, path, tmp / "gunicorn-cached.log", True
        )

        log("== edge: Varnish (deploy/varnish/openhao.vcl) in front of the cached gunicorn")
        edge, edge_page = bench_edge(knobs, cached_env, port, path, tmp / "gunicorn-edge.log")
        if len(edge_page) != len(page):
            raise BenchError(f"edge page is {len(edge_page)} bytes, app page {len(page)}")

        log(f"== static ceiling: a {len(page)}-byte file")
        static, static_server = bench_static(knobs, nginx, page, tmp, cached_env, port)

        log("")
        log(
            f"== results: {knobs.threads} wrk threads, {knobs.connections} connections, "
            f"{knobs.duration} per run, {app_server_label(knobs)}, "
            f"{len(page)}-byte page"
        )
        rows = [
            ("uncached", f"{knobs.app_server}, page cache off", uncached),
            ("cached", f"{knobs.app_server}, page cache on (Redis)", cached),
            ("edge", f"Varnish in front of {knobs.app_server}", edge),
            ("static", static_server, static),
        ]
        log(
            f"  {'run':<9}{'server':<42}{'req/s':>9}{'latency avg':>13}{'p50':>10}{'p99':>10}"
            f"{'requests':>10}"
        )
        for name, server, r in rows:
            log(
                f"  {name:<9}{server:<42}{r.rps:>9.0f}{r.latency_avg:>13}{r.latency_p50:>10}"
                f"{r.latency_p99:>10}{r.requests:>10}"
            )
        log(f"  {load_average()} (other work on the machine skews the numbers)")
        log(f"  total time {time.monotonic() - started:.0f} s; full output: {out_file}")
        summary = (
            f"article page: {round(uncached.rps)} req/s uncached, {round(cached.rps)} req/s "
            f"cached, {round(edge.rps)} req/s edge, static ceiling {round(static.rps)} req/s"
        )
        return 0
    except BenchError as exc:
        log(f"bench-pages FAILED: {exc}")
        return 1
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
        if summary:
            log(summary)
        out_file.write_text("\n".join(OUTPUT) + "\n", encoding="utf-8")
        if not summary:
            print(f"output saved to {out_file}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--profile":
        _profile_main(sys.argv[2])
    else:
        sys.exit(main())
