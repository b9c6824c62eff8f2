"""Quality of 相关推荐 and search on labelled headlines: `make eval-related [DATA=file.tsv]`.

Loads every line of a ``category<TAB>title[<TAB>body]`` file (segmented or not; a body's
paragraphs separated by a literal ``\\n``) as a published article — all in ONE channel,
without hashtags or summaries, so only the text can decide —
builds the keyword index, the IDF table and the search index through the production code, then
reports precision@10 (share of the ten items in the query article's category) for:

- related: the stored 相关推荐 of a seeded random sample of articles;
- search: a search for the article's top keywords (the article itself left out);

for both embedding backends (the sentence model, then the corpus embeddings) on the same
articles. ``EVAL_VARIANTS='[{"embed": 4}, ...]'`` scores each variant of the related weights
(related_weights.json) too. Sentence-model embeddings are cached under var/embed-cache/.

Runs against ``EVAL_DATABASE_URL`` (default: a SQLite file under var/), which it empties first.

What text the sentence model embeds is a choice to measure on a set with bodies:
``EVAL_BODY_CHARS=0`` (title only), the default ``embedders.BODY_CHARS`` (160) or more, and
``EVAL_TEXT_CHARS`` for the whole passage's cut (``embedders.TEXT_CHARS``); each is one run on
a fresh load (the embeddings and the cache keys follow the text).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ["DATABASE_URL"] = os.environ.get(
    "EVAL_DATABASE_URL", f"sqlite:///{REPO / 'var' / 'eval-related.sqlite3'}"
)
os.environ["REDIS_URL"] = ""
os.environ["OPENHAO_ANN_PATH"] = ""  # the nearest-neighbour index in memory, never a stale file
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")

SAMPLE = int(os.environ.get("EVAL_SAMPLE", "2000"))
SEED = int(os.environ.get("EVAL_SEED", "7"))
CREATORS = 600
KEYWORDS = 3
# Both embedding backends on the same data (EVAL_BACKENDS=e5 or corpus for one of them).
BACKENDS = os.environ.get("EVAL_BACKENDS", "e5,corpus").split(",")


def _text_choice() -> str:
    """Apply ``EVAL_BODY_CHARS`` / ``EVAL_TEXT_CHARS`` to what the sentence model embeds."""
    from openhao.ranking import embedders

    if os.environ.get("EVAL_BODY_CHARS"):
        embedders.BODY_CHARS = int(os.environ["EVAL_BODY_CHARS"])
    if os.environ.get("EVAL_TEXT_CHARS"):
        embedders.TEXT_CHARS = int(os.environ["EVAL_TEXT_CHARS"])
    return f"body cut at {embedders.BODY_CHARS}, text at {embedders.TEXT_CHARS} characters"


def read(path: Path) -> list[tuple[str, str, str]]:
    """(category, title, body) of every line: ``category<TAB>title[<TAB>body]`` (titles and
    bodies segmented or not; the body plain text, empty when the set has none)."""
    from openhao.demo.loader import join_segmented

    rows = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            category, _tab, rest = line.rstrip("\n").partition("\t")
            title, _tab, body = rest.partition("\t")
            title = join_segmented(title)[:64]
            if category.strip() and title:
                rows.append((category.strip(), title, join_segmented(body).strip()))
    return rows


def body_html(body: str) -> str:
    """A labelled set's plain-text body as the article's HTML (one paragraph per line)."""
    from django.utils.html import escape

    return "".join(f"<p>{escape(p)}</p>" for p in body.split("\\n") if p.strip())


def load(rows: list[tuple[str, str, str]]) -> dict[int, str]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from openhao.articles.models import Article, Channel, Section
    from openhao.creators.models import Creator
    from openhao.ranking.models import (
        ArticleScore,
        ArticleTerms,
        RelatedArticle,
        TermPosting,
        TermStat,
    )

    for model in (RelatedArticle, TermPosting, TermStat, ArticleTerms, ArticleScore):
        model.objects.all().delete()
    Article.topics.through.objects.all().delete()
    Article.objects.all().delete()
    Creator.objects.all().delete()
    get_user_model().objects.filter(username__startswith="eval-").delete()
    section, _ = Section.objects.get_or_create(slug="eval", defaults={"name": "评测"})
    channel, _ = Channel.objects.get_or_create(
        slug="eval", defaults={"name": "评测", "section": section}
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"eval-{i}") for i in range(CREATORS)
    )
    if connection.vendor == "sqlite" or not users[0].pk:
        users = list(get_user_model().objects.filter(username__startswith="eval-"))
    creators = Creator.objects.bulk_create(
        Creator(user=u, display_name=f"评测作者{i}") for i, u in enumerate(users)
    )
    if not creators[0].pk:
        creators = list(Creator.objects.filter(display_name__startswith="评测作者"))
    rng = random.Random(SEED)
    now = timezone.now()
    articles = [
        Article(
            creator=rng.choice(creators),
            channel=channel,
            title=title,
            body_html=body_html(body),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(seconds=rng.randrange(60 * 86400)),
        )
        for _category, title, body in rows
    ]
    Article.objects.bulk_create(articles, batch_size=2000)
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    return {pk: rows[i][0] for i, pk in enumerate(ids)}


def _cached_backend():
    """The sentence backend with its article and query embeddings read through the disk cache
    (bench/embed_cache.py): the model costs ~30-45 ms a headline here."""
    from embed_cache import Cache

    from openhao.ranking import embedders

    embedders.reset_backend()
    backend = embedders.get_backend()
    if backend.name != "e5":
        return None, backend
    cache = Cache(backend.model)
    side = "query" if embedders.ARTICLE_AS_QUERY else "passage"
    compute = backend.embed_articles
    backend.embed_articles = lambda texts: cache.get_many(texts, side, compute)
    query = backend.embed_query
    # The evaluation scores the ranking once the model has answered: no wait budget.
    backend.embed_query = lambda text, wait=None: cache.get_many(
        [text], "search", lambda ts: query(ts[0])[None, :]
    )[0]
    return cache, backend


def _use(name: str):
    from django.conf import settings

    from openhao.ranking import ann, embedders

    settings.OPENHAO_EMBEDDING_BACKEND = name
    ann.reset()
    if name == "corpus":
        embedders.reset_backend()
        return None, embedders.get_backend()
    return _cached_backend()


def evaluate(name, sample, category, variant: dict) -> tuple[float, float]:
    from openhao.ranking import ann, related
    from openhao.ranking.models import ArticleTerms, RelatedArticle
    from openhao.ranking.services import related_refresh
    from openhao.search.selectors import search_ids

    original = related.weights
    if variant:
        related.weights = lambda backend, today=None: {**original(backend, today), **variant}
    if name != "corpus" and "spread" in variant:
        ann.get_index().rebuild(save=False)  # the index holds vectors stretched by the lever
    try:
        started = time.monotonic()
        hits = 0
        for article_id in sample:
            related_refresh(article_id=article_id)
        for article_id in sample:
            items = RelatedArticle.objects.filter(article_id=article_id).order_by("rank")[:10]
            hits += sum(category[r.related_id] == category[article_id] for r in items)
        elapsed = time.monotonic() - started
        related_p = hits / (10 * len(sample))
        label = f"[{name}]" + (f" {json.dumps(variant)}" if variant else "")
        print(
            f"related {label}: {len(sample)} articles, {1000 * elapsed / len(sample):.1f} ms each"
        )

        vectors = dict(
            ArticleTerms.objects.filter(article_id__in=sample).values_list("article_id", "vector")
        )
        hits = 0
        started = time.monotonic()
        for article_id in sample:
            words = [t[1:] for t, _w in related.strongest(vectors[article_id], 50) if t[0] == "w"]
            query = " ".join(words[:KEYWORDS])
            found = [i for i in search_ids(query, limit=11) if i != article_id][:10]
            hits += sum(category[i] == category[article_id] for i in found)
        elapsed = time.monotonic() - started
        search_p = hits / (10 * len(sample))
        print(f"search {label}: {len(sample)} queries, {1000 * elapsed / len(sample):.1f} ms each")
        print(f"  related {related_p:.3f}, search {search_p:.3f}", flush=True)
    finally:
        related.weights = original
        if name != "corpus" and "spread" in variant:
            ann.get_index().rebuild(save=False)
    return related_p, search_p


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from openhao.ranking.services import terms_rebuild

    path = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None
    if path is None:
        nlpcc = Path("shared") / "data" / "nlpcc2017-headlines" / "headlines.tsv"
        # /work/main or a worktree /work/wt/<name>: the data is under /work/shared.
        path = next((p / nlpcc for p in REPO.parents if (p / nlpcc).exists()), REPO.parent / nlpcc)
    call_command("migrate", verbosity=0)
    rows = read(path)
    bodies = sum(1 for row in rows if row[2])
    print(f"data: {path} ({len(rows)} titles, {bodies} with a body; {_text_choice()})")
    started = time.monotonic()
    if os.environ.get("EVAL_REUSE"):
        # The database of the previous run with the same data (EVAL_REUSE=1): no reload.
        from openhao.articles.models import Article

        ids = list(Article.objects.order_by("id").values_list("id", flat=True))
        category = {pk: rows[i][0] for i, pk in enumerate(ids)}
    else:
        category = load(rows)
        print(f"loaded {len(category)} articles in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        # Built once with the sentence model (which also stores the corpus embeddings): both
        # backends are then scored on the same articles, keywords and IDF table.
        cache, _backend = _use("e5")
        terms_rebuild(related_for=0)
        if cache:
            cache.save()
        print(f"keywords, IDF, embeddings and search index in {time.monotonic() - started:.1f}s")
    rng = random.Random(SEED)
    sample = rng.sample(sorted(category), min(SAMPLE, len(category)))
    variants = json.loads(os.environ.get("EVAL_VARIANTS", "[{}]"))
    results = []
    for name in BACKENDS:
        cache, backend = _use(name)
        if backend.name != name:
            print(f"[{name}]: not available (the backend is {backend.name})")
            continue
        for variant in variants:
            results.append((name, variant, *evaluate(name, sample, category, variant)))
        if cache:
            cache.save()
    for name, variant, related_p, _search_p in results:
        extra = f" {json.dumps(variant)}" if variant else ""
        print(f"related precision@10 [{name}]{extra}: {related_p:.3f}")
    for name, variant, _related_p, search_p in results:
        extra = f" {json.dumps(variant)}" if variant else ""
        print(f"search precision@10 [{name}]{extra}: {search_p:.3f}")


if __name__ == "__main__":
    main()
