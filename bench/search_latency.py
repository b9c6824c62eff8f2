"""What the query's embedding adds to a search request, on the database of a previous
`make eval-related` run (articles, keywords, embeddings, search index):

    EVAL_DB=var/eval-related.sqlite3 OMP_NUM_THREADS=1 .venv/bin/python bench/search_latency.py [n]

For ``n`` queries built like the evaluation's (an article's three strongest words), each seen
for the first time in this process and then again (the per-process cache answers), times
``search_ids`` (engine match, re-rank, meaning-only articles) in three ways:

- ``new``: first time, the embedding started in a worker thread before the engine matches
  (``search_prefetch``, what production does);
- ``new, serial``: first time, the embedding computed after the match (prefetch off);
- ``cached``: the same query again (a dictionary lookup instead of the model).

The first two with no limit on the wait; then first-time queries again with the wait that
production sets (OPENHAO_SEARCH_EMBED_WAIT_MS, default 12 ms; ``_search``), which also
counts how many first pages were late (the engine's order: the model had not answered); and
first-time queries whose embedding was computed beforehand, which is what a first time costs
without the model.
"added" is the paired difference new − cached per query (what the model costs the request).
Then the cached queries again with search's sixth-round levers switched off one by one, and
the engine alone on queries cut at 16 / 32 / 64 / 100 characters. The shared (Redis)
cache is off here (REDIS_URL empty): every first time runs the model.
"""

from __future__ import annotations

import os
import random
import sys
import time

from eval_db import use

DB = use()


def pct(samples: list[float]) -> str:
    import numpy as np

    return f"p50 {np.percentile(samples, 50):.1f} ms / p95 {np.percentile(samples, 95):.1f} ms"


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    from openhao.ranking import ann, embedders, related
    from openhao.ranking.models import ArticleTerms
    from openhao.search import selectors as search_selectors
    from openhao.search.selectors import search_ids

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    backend = embedders.get_backend()
    assert backend.name == "e5", backend.name
    rng = random.Random(3)
    ids = list(ArticleTerms.objects.values_list("article_id", flat=True))
    vectors = dict(
        ArticleTerms.objects.filter(
            article_id__in=rng.sample(ids, min(len(ids), 7 * n))
        ).values_list("article_id", "vector")
    )
    queries = []
    for vector in vectors.values():
        words = [t[1:] for t, _w in related.strongest(vector, 50) if t[0] == "w"]
        if len(words) >= 2:
            queries.append(" ".join(words[:3]))
    queries = list(dict.fromkeys(queries))[: 4 * n]
    ann.get_index()  # built once, before any timing
    backend.embed_query("预热")
    search_ids("预热 引擎")

    def timed(query: str) -> float:
        started = time.perf_counter()
        search_ids(query, limit=10)
        return 1000 * (time.perf_counter() - started)

    production_wait = settings.OPENHAO_SEARCH_EMBED_WAIT_MS
    settings.OPENHAO_SEARCH_EMBED_WAIT_MS = None
    new, cached, added = [], [], []
    for query in queries[:n]:
        first = timed(query)
        again = timed(query)
        new.append(first)
        cached.append(again)
        added.append(first - again)
    serial, serial_added = [], []
    original = search_selectors.search_prefetch
    search_selectors.search_prefetch = lambda text: None
    try:
        for query in queries[n : 2 * n]:
            first = timed(query)
            again = timed(query)
            serial.append(first)
            serial_added.append(first - again)
    finally:
        search_selectors.search_prefetch = original
    settings.OPENHAO_SEARCH_EMBED_WAIT_MS = production_wait
    bounded, bounded_added, late = [], [], []
    looked = search_selectors.search_vectors

    def watched(*args, **kwargs):
        found = looked(*args, **kwargs)
        late.append(found.late)
        return found

    search_selectors.search_vectors = watched
    try:
        for query in queries[2 * n : 3 * n]:
            first = timed(query)
            backend.embed_query(query)  # what a late request left running, before the "again"
            again = timed(query)
            bounded.append(first)
            bounded_added.append(first - again)
    finally:
        search_selectors.search_vectors = looked
    late_share = sum(late[0::2]) / max(1, len(bounded))
    # The same first time with the embedding computed beforehand: what a first-time request
    # costs without the model (the engine's and the database's own first time).
    ready, ready_added = [], []
    for query in queries[3 * n : 4 * n]:
        backend.embed_query(query)
        first = timed(query)
        ready.append(first)
        ready_added.append(first - timed(query))
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(f"OMP_NUM_THREADS={threads}, {len(new)} + {len(serial)} queries, database {DB}")
    print(f"search request, new query:          {pct(new)}")
    print(f"search request, cached query:       {pct(cached)}")
    print(f"added by the embedding (prefetch):  {pct(added)}")
    print(f"search request, new query, serial:  {pct(serial)}")
    print(f"added by the embedding (serial):    {pct(serial_added)}")
    print(f"with the wait of {production_wait} ms ({len(bounded)} other queries):")
    print(f"search request, new query:          {pct(bounded)}")
    print(f"added by the embedding:             {pct(bounded_added)}")
    print(f"first pages late (engine's order):  {100 * late_share:.0f}%")
    print(f"with the embedding ready beforehand ({len(ready)} other queries):")
    print(f"search request, new query:          {pct(ready)}")
    print(f"added by a first time without model: {pct(ready_added)}")
    # What this round's search levers cost a cached query (the model is out of the picture).
    original = related.weights
    for label, changed in (
        ("levers as they are", {}),
        ("without the corpus mix", {"search_corpus_embed": 0}),
    ):
        related.weights = lambda b, today=None, changed=changed: {**original(b, today), **changed}
        try:
            costs = [timed(query) for query in queries[:n]]
        finally:
            related.weights = original
        print(f"cached query, {label + ':':26s} {pct(costs)}")
    engine = backend._engine()
    long = [" ".join(queries[i : i + 12]) for i in range(0, min(len(queries), 240), 12)]
    for chars in (16, 32, 64, 100):
        costs = []
        for text in long:
            started = time.perf_counter()
            engine.query(text[:chars])
            costs.append(1000 * (time.perf_counter() - started))
        print(f"engine alone, query cut at {chars:3d} characters: {pct(costs)}")


if __name__ == "__main__":
    main()
