"""Cost of the sentence model here: one article's text (title + summary + body start, as the
publish task embeds it) and one search query, single calls, p50/p95 in ms; plus a repeated
query (the per-process cache). Reads the articles of the database in DATABASE_URL (e.g. the
demo's): `OMP_NUM_THREADS=1 python bench/embed_cost.py [n]`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")
os.environ["OPENHAO_EMBEDDING_BACKEND"] = "e5"


def percentiles(samples: list[float]) -> str:
    import numpy as np

    return f"p50 {np.percentile(samples, 50):.1f} ms / p95 {np.percentile(samples, 95):.1f} ms"


def main() -> None:
    import django

    django.setup()
    from openhao.articles.models import Article
    from openhao.ranking import embedders, related

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    backend = embedders.get_backend()
    articles = list(Article.objects.public().order_by("-id")[:n])
    texts = [embedders.article_text(a.title, a.summary, a.body_html) for a in articles]
    backend.embed_articles(texts[:1])  # the engine loads once per process
    costs = []
    for text in texts:
        started = time.perf_counter()
        backend.embed_articles([text])
        costs.append(1000 * (time.perf_counter() - started))
    chars = sum(map(len, texts)) / max(1, len(texts))
    print(f"article ({len(texts)}, {chars:.0f} characters on average): {percentiles(costs)}")
    queries = []
    for a in articles:
        vector = related.vectorize(related.features(a.title), {}, 1)
        words = [t[1:] for t, _w in related.strongest(vector, 50) if t[0] == "w"]
        queries.append(" ".join(words[:3]) or a.title[:6])
    first, again = [], []
    for query in queries:
        started = time.perf_counter()
        backend.embed_query(query)
        first.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        backend.embed_query(query)
        again.append(1000 * (time.perf_counter() - started))
    print(f"query, first time ({len(queries)}): {percentiles(first)}")
    print(f"query, repeated (cached): {percentiles(again)}")


if __name__ == "__main__":
    main()
