"""Driver of `make bench-reads`: the read counter (阅读数) against a naive UPDATE per page view.

Replays the same page-view events (article, visitor) through two counters and reports events/s:

* naive: ``UPDATE article SET view_count = view_count + 1`` per event (autocommit);
* buffered: ``openhao.engagement.counters`` as the read beacon uses it (dedup per visitor and
  article, pending increments in Redis or in process memory), including the batched flushes
  that write the counts, so the figure is the full cost of getting the reads into the table.

Run on SQLite with the local buffer (no Redis), then on PostgreSQL with the Redis buffer. Each
run is a child process with its own settings. Knobs (environment): BENCH_READS_EVENTS (100000),
BENCH_READS_ARTICLES (2000), BENCH_READS_VISITORS (30000), BENCH_READS_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/openhao_bench_reads), BENCH_READS_REDIS_URL
(redis://127.0.0.1:6379/13). The last line is ``speedup: N.Nx`` (buffered over naive on
PostgreSQL + Redis).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("BENCH_READS_EVENTS", "100000"))
ARTICLES = int(os.environ.get("BENCH_READS_ARTICLES", "2000"))
VISITORS = int(os.environ.get("BENCH_READS_VISITORS", "30000"))
PG_URL = os.environ.get(
    "BENCH_READS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openhao_bench_reads"
)
REDIS_URL = os.environ.get("BENCH_READS_REDIS_URL", "redis://127.0.0.1:6379/13")
SQLITE_PATH = REPO / "var" / "bench" / "reads.sqlite3"


def events() -> list[tuple[int, str]]:
    """Skewed like real traffic: a few articles get most views; visitors come back."""
    rng = random.Random(20261126)  # noqa: S311 (replayable load, not security)
    return [
        (int(ARTICLES * rng.random() ** 3), f"v{rng.randrange(VISITORS)}") for _ in range(EVENTS)
    ]


# --- child: one backend ----------------------------------------------------------------


def child(kind: str) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "openhao.settings.base"
    os.environ["DEBUG"] = "0"
    if kind == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
        os.environ["REDIS_URL"] = ""
    else:
        _ensure_pg_database(PG_URL)
        os.environ["DATABASE_URL"] = PG_URL
        os.environ["REDIS_URL"] = REDIS_URL
        os.environ["CACHE_KEY_PREFIX"] = "bench-reads"
    django.setup()

    from django.core.management import call_command
    from django.db.models import F, Sum

    from openhao.articles.models import Article
    from openhao.engagement import counters

    call_command("migrate", verbosity=0)
    ids = _seed(ARTICLES)
    replay = [(ids[i], v) for i, v in events()]

    Article.objects.update(view_count=0)
    started = time.perf_counter()
    for article_id, _visitor in replay:
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)
    naive = time.perf_counter() - started
    naive_total = Article.objects.aggregate(n=Sum("view_count"))["n"]

    Article.objects.update(view_count=0)
    buffer = counters.read_buffer()
    buffer.clear()
    started = time.perf_counter()
    for article_id, visitor in replay:
        buffer.record(article_id, visitor)
    counters.flush_reads(buffer)
    buffered = time.perf_counter() - started
    counted = Article.objects.aggregate(n=Sum("view_count"))["n"]
    buffer.clear()
    print(
        json.dumps(
            {
                "kind": kind,
                "buffer": type(buffer).__name__,
                "naive_s": naive,
                "buffered_s": buffered,
                "naive_total": naive_total,
                "counted": counted,
                "unique": len(set(replay)),
            }
        ),
        flush=True,
    )


def _ensure_pg_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _seed(count: int) -> list[int]:
    from openhao.articles.models import Article, Channel, Section
    from openhao.creators.models import Creator
    from openhao.creators.services import creator_create

    existing = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:count])
    if len(existing) == count:
        return existing
    creator = Creator.objects.filter(display_name="阅读数基准").first() or creator_create(
        username="bench-reads", display_name="阅读数基准"
    )
    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "基准"})
    channel, _ = Channel.objects.get_or_create(
        slug="bench", defaults={"name": "基准频道", "section": section}
    )
    Article.objects.bulk_create(
        Article(
            creator=creator,
            channel=channel,
            title=f"阅读数基准文章{i}",
            status=Article.Status.PUBLISHED,
        )
        for i in range(count - len(existing))
    )
    return list(Article.objects.order_by("pk").values_list("pk", flat=True)[:count])


# --- parent ----------------------------------------------------------------------------


def run(kind: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print(
        f"reads: {EVENTS:,} page-view events over {ARTICLES:,} articles from {VISITORS:,} "
        "visitors, skewed; buffered includes its flushes",
        flush=True,
    )
    rates = {}
    for kind, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL + Redis")):
        r = run(kind)
        naive_rate = EVENTS / r["naive_s"]
        buffered_rate = EVENTS / r["buffered_s"]
        rates[kind] = (naive_rate, buffered_rate)
        print(
            f"{label:<20} naive UPDATE per view: {naive_rate:>10,.0f} events/s "
            f"({r['naive_s']:.1f} s, {r['naive_total']:,} counted)",
            flush=True,
        )
        print(
            f"{label:<20} buffered ({r['buffer']}): {buffered_rate:>10,.0f} events/s "
            f"({r['buffered_s']:.1f} s, {r['counted']:,} counted = {r['unique']:,} unique "
            "visitor-article pairs)"
            if r["counted"] == r["unique"]
            else f"{label:<20} buffered ({r['buffer']}): {buffered_rate:>10,.0f} events/s "
            f"({r['buffered_s']:.1f} s, {r['counted']:,} counted but {r['unique']:,} unique "
            "pairs: WRONG)",
            flush=True,
        )
    naive_pg, buffered_pg = rates["postgres"]
    print(f"speedup: {buffered_pg / naive_pg:.1f}x")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(REPO))
        child(sys.argv[2])
    else:
        main()
