"""Where the CPU of one uncached article render goes: `make profile-render`.

Renders an article page in-process (Django's test client, production settings, page cache off)
N times after a warm-up and prints the hottest functions by own time and by cumulative time
(cProfile), plus the median wall time per render. The database is the bench database that
`make bench-pages` fills (BENCH_DATABASE_URL); run that once first, or point it at any database
with published articles. Knobs: PROFILE_RENDERS (default 200), PROFILE_PATH (default: the rich
article bench/generate.py names), PROFILE_TOP (default 25).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _area(filename: str) -> str:
    """A library and its sub-package (django/template, django/db, psycopg, ...) or the project's
    app, for the own-time summary."""
    parts = filename.replace("\\", "/").split("/")
    for anchor in ("site-packages", "openhao"):
        if anchor in parts:
            i = parts.index(anchor)
            rest = parts[i + 1 :] if anchor == "site-packages" else parts[i:]
            return "/".join(rest[:2]) if len(rest) > 2 else "/".join(rest[:1])
    return "python" if filename.startswith("/") else filename


def main() -> int:
    os.environ.setdefault(
        "DATABASE_URL",
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openhao_bench"),
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "openhao.settings.production"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ["OPENHAO_PAGE_CACHE_ENABLED"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("STATIC_ROOT", str(REPO / "var" / "bench" / "static"))
    import django

    django.setup()
    from django.core.management import call_command

    # Production settings use the manifest storage: the hashed names must exist.
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.test import Client

    from openhao.articles.models import Article

    path = os.environ.get("PROFILE_PATH")
    if not path:
        article = Article.objects.public().order_by("-id").first()
        if article is None:
            print("profile-render: no public article in the database", file=sys.stderr)
            return 1
        path = f"/article/{article.pk}/"
    renders = int(os.environ.get("PROFILE_RENDERS", "200"))
    top = int(os.environ.get("PROFILE_TOP", "25"))
    client = Client()

    def get():
        response = client.get(path, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return response

    for _ in range(20):
        get()
    times = []
    profiler = cProfile.Profile()
    for _ in range(renders):
        t = time.perf_counter()
        profiler.enable()
        get()
        profiler.disable()
        times.append((time.perf_counter() - t) * 1000)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    by_area: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():
        area = _area(filename)
        by_area[area] = by_area.get(area, 0.0) + row[2]
    print("own time by area, ms per render:")
    for area, seconds in sorted(by_area.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {seconds * 1000 / renders:7.2f}  {area}")
    # The project's own functions, where a change can land.
    stats.sort_stats("cumulative").print_stats(r"openhao/", top)
    print(out.getvalue())
    plain = []
    cpu0 = time.process_time()
    for _ in range(renders):
        t = time.perf_counter()
        get()
        plain.append((time.perf_counter() - t) * 1000)
    cpu_ms = (time.process_time() - cpu0) * 1000 / renders
    print(
        f"profile-render: {path}, {renders} renders: median {statistics.median(plain):.2f} ms "
        f"without the profiler ({statistics.median(times):.2f} ms with it), "
        f"{cpu_ms:.2f} ms of this process's CPU per render"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
