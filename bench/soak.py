"""Driver of `make soak` (not in CI): the edge cache under a steady load while the app servers
and Redis are restarted.

Steps: the bench database (bench/pages.py: migrations, generated corpus, collectstatic) -> a
private redis-server on a free port (never the machine's) -> gunicorn (production settings) ->
Varnish with the shipped deploy/varnish/openhao.vcl -> a page mix (home, channels, creators and
articles; every page warmed through the edge) -> wrk at full speed over the mix to measure the
edge's throughput E -> wrk at 80 % of E for SOAK_SECONDS (600) while, a third of the way in, the
app servers are stopped and started again and, two thirds in, Redis is killed and started again.

Passes with 0 responses other than 200 and no socket errors. The last line is
``soak: D s at R req/s (80 % of E req/s edge), p99 P, N non-2xx, app restarted, Redis restarted``.
Knobs: SOAK_SECONDS, SOAK_CONNECTIONS (32), SOAK_ARTICLES (200 article pages in the mix), and
the BENCH_* knobs of bench/pages.py for the database, corpus size and workers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pages  # noqa: E402 (bench/pages.py: the same servers and helpers)
from pages import PY, REPO, BenchError, Knobs, log  # noqa: E402

MIX_LUA = pages.BENCH / "wrk" / "mix.lua"
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "32"))
ARTICLES = int(os.environ.get("SOAK_ARTICLES", "200"))


def page_mix(database_url: str) -> list[str]:
    """Articles most of the time, then the home page, channels and creator pages."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        articles = conn.execute(
            "SELECT id FROM articles_article WHERE status = 'published' "
            "ORDER BY published_at DESC LIMIT %s",
            [ARTICLES],
        ).fetchall()
        channels = conn.execute("SELECT slug FROM articles_channel").fetchall()
        creators = conn.execute(
            "SELECT id FROM creators_creator ORDER BY article_count DESC LIMIT 20"
        ).fetchall()
    paths = [f"/article/{pk}/" for (pk,) in articles] * 2
    paths += ["/"] * max(1, len(articles) // 5)
    paths += [f"/channel/{slug}/" for (slug,) in channels] * 3
    paths += [f"/creator/{pk}/" for (pk,) in creators] * 2
    return paths


def run_wrk(url: str, paths_file: Path, seconds: int, wait_ms: float) -> dict:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    cmd += ["-s", str(MIX_LUA), url, "--", str(paths_file), f"{wait_ms:.3f}"]
    log(f"  $ {' '.join(cmd)}")
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    for line in out.stdout.splitlines():
        log(f"    {line}")
    if out.returncode != 0:
        raise BenchError(f"wrk failed: {out.stderr.strip()}")
    text = out.stdout

    def grab(pattern: str, default: str = "") -> str:
        m = re.search(pattern, text, re.MULTILINE)
        return m.group(1) if m else default

    statuses = {int(c): int(n) for c, n in re.findall(r"^status (\d+) (\d+)$", text, re.M)}
    return {
        "rps": float(grab(r"^Requests/sec:\s+([\d.]+)", "0")),
        "p99": grab(r"^\s+99%\s+(\S+)"),
        "latency": grab(r"^\s+Latency\s+(\S+)"),
        "statuses": statuses,
        "non200": sum(n for code, n in statuses.items() if code != 200),
        "socket_errors": grab(r"^\s+Socket errors: (.+)$", "none"),
    }


def main() -> int:
    from openhao.common.tests.redis_server import RedisServer
    from openhao.common.tests.varnish import Varnish, unavailable_reason

    knobs = Knobs()
    tmp = Path(tempfile.mkdtemp(prefix="openhao-soak-"))
    signal.signal(signal.SIGTERM, pages._on_signal)  # noqa: SLF001
    redis = edge = app = None
    summary = ""
    try:
        reason = unavailable_reason()
        if reason:
            raise BenchError(reason)
        log(f"== openhao soak: {SECONDS} s, {os.cpu_count()} CPUs, {pages.load_average()}")
        pages.ensure_tool("wrk", required=True)
        pages.ensure_database(knobs.database_url)
        dev_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "openhao.settings.dev",
            "DATABASE_URL": knobs.database_url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        }
        dev_env.pop("REDIS_URL", None)
        pages.run([PY, "manage.py", "migrate", "--noinput"], env=dev_env, quiet=True)
        pages.run([PY, str(pages.BENCH / "generate.py")], env=dev_env)

        redis = RedisServer(tmp / "redis").start()
        log(f"== private Redis on port {redis.port}")
        port = pages.free_port()
        edge = Varnish("127.0.0.1", port, memory="256m")
        static_root = REPO / "var" / "bench" / "static"
        env = pages.prod_env(knobs, port, static_root, page_cache=True)
        env.update(REDIS_URL=redis.url(0), OPENHAO_EDGE_PURGE_URLS=f"{edge.url}/")
        pages.run([PY, "manage.py", "collectstatic", "--noinput"], env=env, quiet=True)
        app_log = tmp / "gunicorn.log"
        app = pages.start_app(knobs, env, port, app_log)
        edge.start()
        log(f"== Varnish on port {edge.port} (deploy/varnish/openhao.vcl), gunicorn on {port}")

        paths = page_mix(knobs.database_url)
        paths_file = tmp / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        for path in sorted(set(paths)):
            for _ in range(2):
                status, headers, _ = pages.fetch(edge.port, path)
                if status != 200:
                    raise BenchError(f"warming {path}: {status}")
        log(f"  page mix: {len(set(paths))} pages ({len(paths)} lines), all warmed")

        log("== edge throughput over the mix, full speed")
        full = run_wrk(edge.url, paths_file, 15, 0)
        target = 0.8 * full["rps"]
        # Each connection: one request, then a pause. Pick the pause for the target rate,
        # then correct it once from a short trial.
        wait_ms = max(0.0, CONNECTIONS * 1000 / target)
        trial = run_wrk(edge.url, paths_file, 5, wait_ms)
        if trial["rps"]:
            # rate = connections / (latency + wait): take the latency the trial implies.
            latency_ms = CONNECTIONS * 1000 / trial["rps"] - wait_ms
            wait_ms = max(0.0, CONNECTIONS * 1000 / target - latency_ms)
        log(f"== soak: {SECONDS} s at about {target:.0f} req/s (80 % of {full['rps']:.0f})")

        events: list[str] = []
        started = time.monotonic()

        def restarts():
            nonlocal app
            time.sleep(SECONDS / 3)
            t = time.monotonic() - started
            pages.stop(app)
            app = pages.start_app(knobs, env, port, app_log)
            back = time.monotonic() - started
            events.append(f"app servers stopped at {t:.0f} s, serving again at {back:.0f} s")
            time.sleep(max(0.0, SECONDS * 2 / 3 - (time.monotonic() - started)))
            t = time.monotonic() - started
            redis.kill()
            time.sleep(1)
            redis.start()
            events.append(f"Redis killed and started at {t:.0f} s")

        chaos = threading.Thread(target=restarts, daemon=True)
        chaos.start()
        soak = run_wrk(edge.url, paths_file, SECONDS, wait_ms)
        chaos.join(timeout=60)
        for event in events:
            log(f"  {event}")
        ok = soak["non200"] == 0 and soak["socket_errors"] == "none" and len(events) == 2
        summary = (
            f"soak: {SECONDS} s at {soak['rps']:.0f} req/s (80 % of {full['rps']:.0f} req/s "
            f"edge), p99 {soak['p99']}, {soak['non200']} non-2xx, socket errors "
            f"{soak['socket_errors']}, {'; '.join(events) or 'no restarts'}"
        )
        return 0 if ok else 1
    except BenchError as exc:
        log(f"soak FAILED: {exc}")
        return 1
    finally:
        if edge:
            edge.stop()
        pages.stop_all()
        if redis:
            redis.kill()
        if summary:
            log(summary)


if __name__ == "__main__":
    sys.exit(main())
