"""Profile one API list page and one detail in process (cProfile through Django's test
client, the whole middleware stack) against the bench database of bench/api.py (built by
`make bench-api`). CPU ms per request (process time, median of N) is robust to machine load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openhao_bench_api REDIS_URL= \
      .venv/bin/python bench/api_profile.py [N] [top]"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("OPENHAO_API_RATE_IP", "100000000/m")


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from openhao.articles.models import Article
    from openhao.common import keyset

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    client = Client()
    public = Article.objects.public().order_by("-published_at", "-pk")
    at, pk = public.values_list("published_at", "pk")[public.count() // 2]
    # A detail of an article not seen before misses its fragments (as bench/api.py's do).
    fresh = iter(public.values_list("pk", flat=True)[1000 : 1000 + 2 * n + 21])
    urls = {
        "list": lambda: f"/api/v1/articles?limit=20&cursor={keyset.encode(at, pk)}",
        "detail (fragments cached)": lambda: f"/api/v1/articles/{pk}",
        "detail (fragment miss)": lambda: f"/api/v1/articles/{next(fresh)}",
    }
    for name, url in urls.items():
        for _ in range(20):  # warm-up (the detail's fragments are cached after the first)
            assert client.get(url()).status_code == 200
        cpu = []
        for _ in range(n):
            u = url()
            c = time.process_time()
            client.get(u)
            cpu.append((time.process_time() - c) * 1000)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            client.get(url())
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        print(f"== {name}\nCPU per request: median {statistics.median(cpu):.2f} ms")
        print("\n".join(out.getvalue().splitlines()[6:]))


if __name__ == "__main__":
    main()
