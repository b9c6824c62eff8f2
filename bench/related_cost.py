"""What one 相关推荐 computation costs with the active levers against another set, paired on the
same articles, on the database of a previous `make eval-related` run:

    EVAL_DB=var/eval-related.sqlite3 .venv/bin/python bench/related_cost.py [n] ['{"lever": v}']

Times ``related_compute`` (candidates, nearest neighbours, re-ranking; not the write) for ``n``
sampled articles, alternating the active levers and the active levers updated by the JSON
argument (default: the corpus embeddings' mix off), so that the machine's load falls on both
alike. Prints p50 / p95 of each and of the paired difference, and what the spread's stretch
adds to preparing a pool of 250 candidate vectors (the index itself holds stretched vectors,
so ``spread`` cannot be switched per call)."""

from __future__ import annotations

import json
import random
import sys
import time

from eval_db import use

DB = use()

OFF = {"corpus_embed": 0}


def main() -> None:
    import django

    django.setup()
    import numpy as np

    from openhao.ranking import ann, related
    from openhao.ranking.models import ArticleTerms
    from openhao.ranking.text_index import related_compute

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    other = json.loads(sys.argv[2]) if len(sys.argv) > 2 else OFF
    ids = list(ArticleTerms.objects.values_list("article_id", flat=True))
    sample = random.Random(5).sample(ids, min(n, len(ids)))
    original = related.weights
    if "spread" in other:
        sys.exit("spread is a lever of the index (ann.py), not of one computation")

    def timed(article_id: int) -> float:
        started = time.perf_counter()
        related_compute(article_id=article_id)
        return 1000 * (time.perf_counter() - started)

    ann.get_index()
    for article_id in sample[:10]:
        timed(article_id)
    active, changed = [], []
    for article_id in sample:
        active.append(timed(article_id))
        related.weights = lambda backend, today=None: {**original(backend, today), **other}
        try:
            changed.append(timed(article_id))
        finally:
            related.weights = original

    def pct(values):
        return f"p50 {np.percentile(values, 50):.1f} ms / p95 {np.percentile(values, 95):.1f} ms"

    print(f"{len(sample)} articles of {len(ids)}, database {DB}")
    print(f"related_compute, active levers: {pct(active)}")
    print(f"related_compute, with {json.dumps(other)}: {pct(changed)}")
    print(f"difference active - other: {pct(np.subtract(active, changed))}")
    index = ann.get_index()
    pool = np.random.default_rng(1).standard_normal((250, index.dim)).astype(np.float32)
    for label, shape in (
        ("centred only", (index._centre, None)),
        ("centred and stretched", (index._centre, index._stretch)),
    ):
        if shape[1] is None and label != "centred only":
            continue
        costs = []
        for _ in range(200):
            started = time.perf_counter()
            index.prepare(pool, shape)
            costs.append(1000 * (time.perf_counter() - started))
        print(f"prepare 250 candidates, {label}: {pct(costs)}")


if __name__ == "__main__":
    main()
