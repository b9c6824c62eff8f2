"""Fill the sentence-model disk cache (bench/embed_cache.py) for a ``category<TAB>title`` file
without a database, so ``make eval-related`` on a large set later reads every article vector
from disk: `nice -n 10 .venv/bin/python bench/embed_fill.py [file.tsv]`. The texts and the
prefix side are exactly those the evaluation embeds (``embedders.article_text`` of the title)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")


def main() -> None:
    import django

    django.setup()
    from embed_cache import Cache
    from eval_related import _text_choice, body_html, read

    from openhao.ranking import embedders

    path = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path("/work/shared/data/nlpcc2017-headlines/headlines.tsv")
    )
    rows = read(path)
    print(_text_choice())
    backend = embedders.get_backend()
    assert backend.name == "e5", backend.name
    cache = Cache(backend.model)
    side = "query" if embedders.ARTICLE_AS_QUERY else "passage"
    texts = [embedders.article_text(title, "", body_html(body)) for _c, title, body in rows]
    started = time.monotonic()
    cache.get_many(texts, side, backend.embed_articles)
    cache.save()
    print(f"{len(texts)} texts cached in {time.monotonic() - started:.0f}s -> {cache.path}")


if __name__ == "__main__":
    main()
