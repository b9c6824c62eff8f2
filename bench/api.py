"""`make bench-api`: the JSON API's list and detail latency at 1,000,000 articles on PostgreSQL,
and the last page of the article sitemap when the site has one (URL name ``sitemap-articles``).

The database (BENCH_API_DATABASE_URL, default ``openhao_bench_api``) is built once and reused:
BENCH_API_ARTICLES (1,000,000) articles written by bulk SQL (``INSERT … SELECT generate_series``:
a few minutes, not the ORM row by row), 5,000 creators, the default channels, one article in a
hundred left a draft (never listed) and two articles per publishing second (ties the cursor must
get right). A database with at least that many articles is used as it is.

Measured in process through Django's test client (the whole middleware stack, ninja, JSON and
the ETag; no network), BENCH_API_REQUESTS (200) requests each after a warm-up, no Redis (the
local-memory cache):
- list: ``/api/v1/articles?limit=20`` at the first page, a cursor in the middle, the last page,
  and cursors at random positions of the whole list and of one channel;
- detail: ``/api/v1/articles/{id}`` of random public articles (the article fragment mostly
  misses: ids are spread over the million);
- sitemap: the last page of ``sitemap-articles`` (found from the sitemap index), or a note that
  the site has none yet.

Last line: ``api: list P ms p95, detail D ms p95, sitemap S ms`` (targets: list ≤ 20, detail
≤ 15, sitemap ≤ 50). This file is the driver and (``--worker``) the measuring process."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DB_URL = os.environ.get(
    "BENCH_API_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openhao_bench_api"
)
ARTICLES = int(os.environ.get("BENCH_API_ARTICLES", "1000000"))
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "200"))
CREATORS = 5000
BODY = (
    "<h2>小标题</h2>" + "<p>" + "春天来了，小城的雨一直下，街上的行人撑着伞慢慢走过。" * 12 + "</p>"
)


def log(msg: str) -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- the database ------------------------------------------------------------------------


def ensure_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def _defaults(model, provided: set[str]) -> tuple[list[str], list]:
    """The columns of ``model`` not in ``provided``, with their model defaults."""
    from django.db import connection

    cols, vals = [], []
    for field in model._meta.concrete_fields:
        if field.column in provided or field.primary_key:
            continue
        if field.has_default():
            value = field.get_db_prep_save(field.get_default(), connection)
        elif field.null:
            value = None
        elif field.blank and field.empty_strings_allowed:
            value = ""
        else:
            raise SystemExit(f"bench/api.py: no value for {model.__name__}.{field.name}")
        cols.append(field.column)
        vals.append(value)
    return cols, vals


def insert_select(model, exprs: dict[str, str], source: str) -> int:
    """``INSERT INTO model (…) SELECT <exprs>, <defaults> FROM <source>``: one statement (the
    defaults are parameters, so a ``%`` in the SQL given is doubled here)."""
    from django.db import connection

    qn = connection.ops.quote_name
    cols, vals = _defaults(model, set(exprs))
    names = [*exprs, *cols]
    select = [*(e.replace("%", "%%") for e in exprs.values()), *(["%s"] * len(vals))]
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in names)}) "  # noqa: S608
        f"SELECT {', '.join(select)} FROM {source.replace('%', '%%')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, vals)
        return cursor.rowcount


def generate(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from openhao.articles.models import Article, Channel
    from openhao.creators.models import Creator
    from openhao.demo.structure import ensure_channels

    ensure_channels()
    User = get_user_model()
    started = time.monotonic()
    if Creator.objects.filter(display_name__startswith="压测号").count() < CREATORS:
        insert_select(
            User,
            {
                "username": "'apibench' || g",
                "nickname": "'压测作者' || g",
                "password": "'!'",
                "is_active": "true",
                "date_joined": "now()",
            },
            f"generate_series(1, {CREATORS}) AS g",
        )
        insert_select(
            Creator,
            {
                "user_id": "u.id",
                "display_name": "'压测号' || substr(u.username, 9)",
                "created_at": "now()",
                "updated_at": "now()",
            },
            f"{User._meta.db_table} u WHERE u.username LIKE 'apibench%'",
        )
        log(f"creators: {CREATORS} in {time.monotonic() - started:.1f} s")
    have = Article.objects.count()
    missing = count - have
    if missing > 0:
        started = time.monotonic()
        creators = f"(SELECT array_agg(id ORDER BY id) AS a FROM {Creator._meta.db_table})"  # noqa: S608
        channels = f"(SELECT array_agg(id ORDER BY id) AS a FROM {Channel._meta.db_table})"  # noqa: S608
        # Two articles per second, newest first by g; one in a hundred a draft.
        moment = "now() - ((g / 2) * interval '1 second')"
        n = insert_select(
            Article,
            {
                "creator_id": "cr.a[1 + g % array_length(cr.a, 1)]",
                "channel_id": "ch.a[1 + (g / 7) % array_length(ch.a, 1)]",
                "title": "'API 压测文章第' || g || '篇：春雨落在江南小城'",
                "summary": "'一篇关于春雨和小城生活的文章。'",
                "body_html": f"'{BODY}'",
                "status": "CASE WHEN g % 100 = 0 THEN 'draft' ELSE 'published' END",
                "published_at": f"CASE WHEN g % 100 = 0 THEN NULL ELSE {moment} END",
                "created_at": moment,
                "updated_at": moment,
                "view_count": "g % 5000",
            },
            f"generate_series({have + 1}, {count}) AS g, {creators} cr, {channels} ch",
        )
        log(f"articles: {n} inserted in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"analyze: {time.monotonic() - started:.0f} s")


# --- measuring ---------------------------------------------------------------------------


CPU: dict[str, list[float]] = {}


def timed(client, urls: list[str], expect=200, name="") -> list[float]:
    """Wall-clock milliseconds per request; this process's CPU time per request is kept in
    CPU[name] (on a shared machine the wall clock also holds the wait for a core)."""
    for url in urls[:10]:  # warm-up
        client.get(url)
    times, cpu = [], CPU.setdefault(name, [])
    for url in urls:
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        if response.status_code != expect:
            raise SystemExit(f"{url}: {response.status_code} {response.content[:200]!r}")
    return times


def measure() -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from openhao.articles.models import Article
    from openhao.common import keyset

    rng = random.Random(20261202)
    client = Client()
    public = Article.objects.public()
    total = public.count()
    log(f"public articles: {total}")

    def cursor_at(qs, offset: int) -> str:
        row = qs.order_by("-published_at", "-pk").values_list("published_at", "pk")[offset]
        return keyset.encode(*row)

    results: dict[str, list[float]] = {}
    base = "/api/v1/articles?limit=20"
    results["list first"] = timed(client, [base] * REQUESTS, name="list first")
    middle = cursor_at(public, total // 2)
    results["list middle"] = timed(
        client, [f"{base}&cursor={middle}"] * REQUESTS, name="list middle"
    )
    last = cursor_at(public, max(0, total - 21))
    results["list last"] = timed(client, [f"{base}&cursor={last}"] * REQUESTS, name="list last")
    # Cursors anywhere: from random articles' own (time, id).
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM articles_article")
        top = cursor.fetchone()[0]
    sample = rng.sample(range(1, top + 1), REQUESTS * 2)
    rows = list(public.filter(pk__in=sample).values_list("published_at", "pk", "channel__slug"))
    rng.shuffle(rows)
    anywhere = [f"{base}&cursor={keyset.encode(at, pk)}" for at, pk, _slug in rows[:REQUESTS]]
    results["list anywhere"] = timed(client, anywhere, name="list anywhere")
    in_channel = [
        f"{base}&channel={slug}&cursor={keyset.encode(at, pk)}" for at, pk, slug in rows[:REQUESTS]
    ]
    results["list channel anywhere"] = timed(client, in_channel, name="list channel anywhere")
    details = [f"/api/v1/articles/{pk}" for _at, pk, _slug in rows[REQUESTS : REQUESTS * 2]]
    results["detail"] = timed(client, details or [f"/api/v1/articles/{rows[0][1]}"], name="detail")

    sitemap = None
    try:
        url = reverse("sitemap-articles")
    except NoReverseMatch:
        log("sitemap: the URL name sitemap-articles does not resolve (feeds not merged): skipped")
        url = None
    if url:
        pages = []
        for name in ("sitemap-index", "sitemap", "django.contrib.sitemaps.views.index"):
            try:
                index = client.get(reverse(name)).content.decode()
            except NoReverseMatch:
                continue
            pages = [int(p) for p in re.findall(re.escape(url) + r"\?p=(\d+)", index)]
            if pages:
                break
        page = max(pages) if pages else 1
        log(f"sitemap: {url}?p={page} (of {len(pages) or '?'} pages)")
        times = timed(client, [f"{url}?p={page}"] * max(20, REQUESTS // 10))
        sitemap = {"p50": pct(times, 50), "p95": pct(times, 95)}
    out = {
        k: {"p50": pct(v, 50), "p95": pct(v, 95), "cpu50": pct(CPU[k], 50)}
        for k, v in results.items()
    }
    out["sitemap"] = sitemap
    return out


def worker() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generate(ARTICLES)
    print("RESULT " + json.dumps(measure()), flush=True)


def main() -> None:
    ensure_database()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB_URL,
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="openhao.settings.dev",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        OPENHAO_API_RATE_IP="100000000/m",
        OPENHAO_API_RATE_TOKEN="100000000/m",  # noqa: S106 (a rate, not a secret)
    )
    log(f"== bench-api: {ARTICLES} articles, {DB_URL.rsplit('/', 1)[1]}")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--worker"], env=env, stdout=subprocess.PIPE, text=True
    )
    result = None
    for line in proc.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
        else:
            print("  " + line.rstrip(), flush=True)
    if proc.wait() != 0 or result is None:
        raise SystemExit("bench-api: the worker failed")
    for name, r in result.items():
        if r is not None:
            cpu = f"   cpu p50 {r['cpu50']:5.1f} ms" if "cpu50" in r else ""
            log(f"{name:24s} p50 {r['p50']:6.1f} ms   p95 {r['p95']:6.1f} ms{cpu}")
    log(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores here)")
    lists = [r["p95"] for name, r in result.items() if name.startswith("list")]
    sitemap = result["sitemap"]
    sitemap_text = f"{sitemap['p95']:.1f} ms" if sitemap else "n/a (no sitemap-articles route)"
    log(
        f"api: list {max(lists):.1f} ms p95, detail {result['detail']['p95']:.1f} ms p95, "
        f"sitemap {sitemap_text}"
    )


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    else:
        main()
