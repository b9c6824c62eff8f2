"""Time the article sitemap's last page (and the index) at a large table.

Fills the database given by DATABASE_URL (PostgreSQL) up to BENCH_SITEMAP_ARTICLES (default
1,000,000) published articles with one INSERT ... SELECT FROM generate_series (minimal rows:
the sitemap reads ids and times only), then renders ``sitemap-articles`` for its last page
and ``sitemap-index`` through the test client with the page cache off, BENCH_RUNS times each.

    DATABASE_URL=postgres://... .venv/bin/python bench/sitemaps.py

Last line: ``sitemaps: last page N URLs p50 X ms p95 Y ms; index p50 Z ms``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")
os.environ["OPENHAO_PAGE_CACHE_ENABLED"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def fill(count: int) -> None:
    from django.db import connection

    from openhao.accounts.models import User
    from openhao.articles.models import Article
    from openhao.creators.models import Creator
    from openhao.demo.structure import ensure_channels

    have = Article.objects.public().count()
    if have >= count:
        return
    channel = next(iter(ensure_channels().values()))
    user, _ = User.objects.get_or_create(username="bench-sitemap")
    creator, _ = Creator.objects.get_or_create(user=user, defaults={"display_name": "站点地图"})
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO articles_article (creator_id, channel_id, title, summary, body_html,
              cover, cover_alt, status, is_original, is_pinned, published_at, created_at,
              updated_at, view_count, comment_count, like_count, share_count, review_note,
              deleted_status)
            SELECT %s, %s, 'bench ' || g, '', '<p>x</p>', '', '', 'published', false, false,
              now() - g * interval '1 minute', now(), now(), 0, 0, 0, 0, '', ''
            FROM generate_series(1, %s) AS g
            """,
            [creator.pk, channel.pk, count - have],
        )
        cursor.execute("ANALYZE articles_article")
    print(f"inserted {count - have} articles in {time.perf_counter() - start:.1f} s")


def timed(client, url: str, runs: int) -> tuple[list[float], bytes]:
    times, body = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        body = response.content
    return times, body


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from openhao.feeds import selectors

    fill(int(os.environ.get("BENCH_SITEMAP_ARTICLES", "1000000")))
    runs = int(os.environ.get("BENCH_RUNS", "20"))
    client = Client()
    last = selectors.article_sitemap_pages()
    page_times, body = timed(client, f"{reverse('sitemap-articles')}?p={last}", runs)
    full = last - 1 if body.count(b"<url>") < settings.OPENHAO_SITEMAP_PAGE_SIZE // 2 else last
    if full != last:  # the last range may be nearly empty: time the last full one too
        page_times, body = timed(client, f"{reverse('sitemap-articles')}?p={full}", runs)
    index_times, _ = timed(client, reverse("sitemap-index"), runs)

    def p95(values):
        return sorted(values)[int(len(values) * 0.95) - 1]

    print(
        f"sitemaps: page {full} of {last}, {body.count(b'<url>')} URLs "
        f"p50 {statistics.median(page_times):.1f} ms p95 {p95(page_times):.1f} ms; "
        f"index p50 {statistics.median(index_times):.1f} ms"
    )


if __name__ == "__main__":
    main()
