"""The text index and 相关推荐: each public article's keyword vector, postings and embedding
(``article_terms_index``), the corpus statistics they are weighted by (``idf_refresh``), and the
stored related lists (``related_refresh``). ``article_discovery_update`` is the body of the task
that runs after publish, edit and removal; apps that index articles too (search) follow it
through ``hooks.article_indexed`` and ``hooks.index_rebuilt``."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter

import numpy as np
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from openhao.articles.models import PUBLIC_FIELDS, Article

from . import ann, embedders, embedding, hooks, related
from .models import ArticleEmbedding, ArticleTerms, RelatedArticle, TermPosting, TermStat

LENGTH_TERM = " len"  # TermStat row holding the total document length (features never hold a space)
MEAN_SAMPLE = 50_000  # articles over which idf_refresh estimates the mean embedding


def corpus_stats() -> tuple[int, float | None]:
    """Number of documents and their average length (None before the first IDF refresh)."""
    rows = dict(TermStat.objects.filter(term__in=["", LENGTH_TERM]).values_list("term", "df"))
    documents = rows.get("", 0)
    total = rows.get(LENGTH_TERM)
    return documents, (total / documents if total and documents else None)


def document_frequencies(terms) -> dict[str, int]:
    return dict(TermStat.objects.filter(term__in=list(terms)).values_list("term", "df"))


def term_embeddings(terms) -> dict[str, list[float]]:
    """The terms' embeddings and the corpus' mean article embedding (``embed`` centres on it)."""
    return dict(
        TermStat.objects.filter(
            term__in=[*terms, embedding.MEAN_TERM], embedding__isnull=False
        ).values_list("term", "embedding")
    )


def _count_document(counts: dict, delta: int) -> None:
    terms = ["", *counts]
    TermStat.objects.filter(term__in=terms).update(df=Greatest(F("df") + delta, 0))
    if delta > 0:
        TermStat.objects.bulk_create(
            [TermStat(term=t, df=delta) for t in terms], ignore_conflicts=True
        )


def _postings(article_id: int, vector: dict[str, float]) -> list[TermPosting]:
    return [
        TermPosting(term=t, article_id=article_id, weight=w)
        for t, w in related.strongest(vector, related.POSTED_TERMS)
    ]


@transaction.atomic
def article_terms_index(*, article_id: int) -> ArticleTerms | None:
    """Store the article's keyword vector and postings; unpublished articles lose theirs (and
    their own related list). Returns the row, or None when not public."""
    article = (
        Article.objects.filter(pk=article_id)
        .only("id", "title", "summary", "channel_id", "creator_id", *PUBLIC_FIELDS)
        .first()
    )
    TermPosting.objects.filter(article_id=article_id).delete()
    previous = ArticleTerms.objects.filter(article_id=article_id).only("counts").first()
    if article is None or not article.is_public:
        if previous:
            _count_document(previous.counts, -1)
            previous.delete()
        RelatedArticle.objects.filter(article_id=article_id).delete()
        return None
    counts = related.features(article.title, article.summary)
    # Keep the IDF table roughly current between refreshes: the document counts itself in.
    if previous:
        _count_document(previous.counts, -1)
    _count_document(counts, +1)
    vector = related.vectorize(counts, document_frequencies(counts), *corpus_stats())
    row, _ = ArticleTerms.objects.update_or_create(
        article_id=article.pk,
        defaults={
            "counts": dict(counts),
            "vector": vector,
            "embedding": embedding.embed(vector, term_embeddings(vector)),
            "channel_id": article.channel_id,
            "creator_id": article.creator_id,
            "published_at": article.published_at,
            "topic_ids": sorted(article.topics.values_list("id", flat=True)),
        },
    )
    TermPosting.objects.bulk_create(_postings(article.pk, vector))
    return row


def related_compute(*, article_id: int) -> list[tuple[int, float, str]]:
    """相关推荐 for an indexed article: (article id, score, reason), best first (related.py):
    the inverted index's candidates, with the sentence model also its nearest neighbours in
    embedding space, re-ranked with the weights of the active backend."""
    terms = ArticleTerms.objects.filter(article_id=article_id).first()
    if terms is None:
        return []
    backend = embedders.get_backend()
    levers = related.weights(backend.name)
    # The corpus' size is the df of the empty term: one query for both.
    dfs = document_frequencies(["", *terms.counts])
    documents = dfs.pop("", 0)
    corpus_query = None
    query = related.query_vector(terms.counts, dfs, documents)
    if backend.name == "corpus":
        model = None
        own = np.asarray(terms.embedding, dtype=np.float32) if terms.embedding else None
    else:
        model = backend.model
        own = article_vector(article_id, model)
        corpus_query = np.asarray(terms.embedding, dtype=np.float32) if terms.embedding else None
    prepare = more = None
    near: list[int] = []
    if model and own is not None:
        index = ann.get_index()
        prepare = index.prepare
        if levers["neighbours"]:
            near = [i for i, _cos in index.search(own, levers["neighbours"], exclude=article_id)]

        def more(target, seen, k):
            # The feedback's target is centred already (prepare ran on it in rank).
            found = index.search(target, k, exclude=article_id, centred=bool(levers.get("centre")))
            return related.rows([i for i, _cos in found if i not in seen], model=model)

    pool = related.candidates(
        query,
        dfs,
        documents,
        exclude_id=article_id,
        model=model,
        also=near,
        postings=int(levers.get("postings", related.POSTINGS_PER_TERM)),
        query_terms=int(levers.get("query_terms", related.QUERY_TERMS)),
        pool=int(levers.get("pool", related.POOL)),
    )
    return related.rank(
        query=query,
        query_embedding=own,
        self_score=related.dot(query, terms.vector),
        pool=pool,
        channel_id=terms.channel_id,
        topic_ids=set(terms.topic_ids),
        levers=levers,
        prepare=prepare,
        more=more,
        corpus_query=corpus_query,
        documents=documents,
    )


def article_vector(article_id: int, model: str) -> np.ndarray | None:
    row = (
        ArticleEmbedding.objects.filter(article_id=article_id, model=model)
        .values_list("vector", "scale")
        .first()
    )
    return embedders.unpack(*row) if row else None


def _text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def article_embedding_index(*, article_id: int) -> bool:
    """Store the article's sentence-model embedding (publish/edit task, never a request) and put
    it in the nearest-neighbour index; an article no longer public loses both. Nothing to do
    with the corpus backend, whose embedding is on the terms row. Returns whether the model
    ran (an edit that keeps the embedded text does not run it)."""
    backend = embedders.get_backend()
    article = (
        Article.objects.filter(pk=article_id)
        .only("id", "title", "summary", "body_html", *PUBLIC_FIELDS)
        .first()
    )
    if article is None or not article.is_public:
        ArticleEmbedding.objects.filter(article_id=article_id).delete()
        ann.get_index().discard(article_id)
        return False
    if backend.name == "corpus":
        return False
    text = embedders.article_text(article.title, article.summary, article.body_html)
    digest = _text_hash(text)
    if ArticleEmbedding.objects.filter(
        article_id=article_id, model=backend.model, text_hash=digest
    ).exists():
        return False
    vector = backend.embed_articles([text])[0]
    data, scale = embedders.pack(vector)
    ArticleEmbedding.objects.update_or_create(
        article_id=article_id,
        defaults={
            "model": backend.model,
            "vector": data,
            "scale": scale,
            "text_hash": digest,
            "updated_at": timezone.now(),
        },
    )
    ann.get_index().upsert(article_id, embedders.unpack(data, scale))
    return True


def vector_key(model: str, text_hash: str) -> str:
    """The key of a precomputed vector (``embeddings_rebuild(precomputed=...)``): the model and
    the hash of the embedded text, so a vector is only reused for exactly that text."""
    return f"{model}:{text_hash}"


def embeddings_export() -> dict[str, tuple[bytes, float]]:
    """The stored vectors of the active sentence model by ``vector_key`` (what a loader ships so
    that a fresh install need not run the model on known texts, e.g. the demo corpus)."""
    backend = embedders.get_backend()
    rows = ArticleEmbedding.objects.filter(model=backend.model).values_list(
        "text_hash", "vector", "scale"
    )
    return {vector_key(backend.model, h): (bytes(v), s) for h, v, s in rows}


def embeddings_rebuild(
    *,
    batch_size: int = 64,
    everything: bool = False,
    progress=None,
    limit: int | None = None,
    precomputed: dict[str, tuple[bytes, float]] | None = None,
) -> tuple[int, int]:
    """Embed every public article whose stored embedding is missing, of another model or of
    another text (all of them with ``everything``), in batches committed one by one, so an
    interrupted run resumes where it stopped; then rebuild the nearest-neighbour index.
    ``precomputed``: int8 vectors by ``vector_key``; an article whose key is there is stored
    from it without running the model (a shipped demo corpus). ``progress(done, total)`` is
    called after each batch. Returns (articles run through the model, public articles)."""
    backend = embedders.get_backend()
    if backend.name == "corpus":
        return 0, 0
    public = Article.objects.public()
    stored = dict(
        ArticleEmbedding.objects.filter(model=backend.model).values_list("article_id", "text_hash")
    )
    ids = list(public.order_by("-published_at", "-id").values_list("id", flat=True))
    fields = ("id", "title", "summary", "body_html")
    todo: list[tuple[int, str, str]] = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for a in public.filter(pk__in=chunk).only(*fields):
            text = embedders.article_text(a.title, a.summary, a.body_html)
            digest = _text_hash(text)
            if everything or stored.get(a.pk) != digest:
                todo.append((a.pk, text, digest))
    if limit is not None:
        todo = todo[:limit]
    known = precomputed or {}
    reused = [
        (pk, digest, known[vector_key(backend.model, digest)])
        for pk, _text, digest in todo
        if vector_key(backend.model, digest) in known
    ]
    if reused:
        _store_embeddings(backend.model, [(pk, d, packed) for pk, d, packed in reused])
        done_ids = {pk for pk, _d, _p in reused}
        todo = [item for item in todo if item[0] not in done_ids]
    done = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        vectors = backend.embed_articles([text for _pk, text, _d in batch])
        _store_embeddings(
            backend.model,
            [
                (pk, digest, packed)
                for (pk, _text, digest), packed in zip(
                    batch, map(embedders.pack, vectors), strict=True
                )
            ],
        )
        done += len(batch)
        if progress:
            progress(done, len(todo))
    # Rows of articles no longer public (removed while no task ran) go too.
    ArticleEmbedding.objects.exclude(article__in=public).delete()
    ann.get_index().rebuild()
    return done, len(ids)


def _store_embeddings(model: str, rows: list[tuple[int, str, tuple[bytes, float]]]) -> None:
    """Replace the embeddings of (article id, text hash, (int8 bytes, scale)) in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        ArticleEmbedding.objects.filter(article_id__in=[pk for pk, _d, _p in rows]).delete()
        ArticleEmbedding.objects.bulk_create(
            [
                ArticleEmbedding(
                    article_id=pk,
                    model=model,
                    vector=data,
                    scale=scale,
                    text_hash=digest,
                    updated_at=now,
                )
                for pk, digest, (data, scale) in rows
            ],
            batch_size=500,
        )


@transaction.atomic
def related_refresh(*, article_id: int) -> list[int]:
    """Recompute and store the article's 相关推荐; returns the ids in order."""
    ranked = related_compute(article_id=article_id)
    RelatedArticle.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article_id=article_id, related_id=rid, rank=i, score=score, reason=why)
        for i, (rid, score, why) in enumerate(ranked)
    )
    return [rid for rid, _score, _why in ranked]


def article_discovery_update(*, article_id: int) -> None:
    """The task body: keywords, then related articles, then the other indexes (the search
    entry) through ``hooks.article_indexed``."""
    indexed = article_terms_index(article_id=article_id) is not None
    article_embedding_index(article_id=article_id)
    if indexed:
        related_refresh(article_id=article_id)
    hooks.article_indexed.run(article_id=article_id)


def idf_refresh(*, batch_size: int = 2000) -> int:
    """Recount document frequencies over every public article's terms, learn the term
    embeddings (embedding.py), then re-weight every stored vector, recompute its embedding and
    rewrite the postings. Returns the number of documents."""
    df: Counter[str] = Counter()
    documents = 0
    total_length = 0.0
    for counts in ArticleTerms.objects.values_list("counts", flat=True).iterator(
        chunk_size=batch_size
    ):
        df.update(counts.keys())
        documents += 1
        total_length += related.doc_length(counts)
    avg_length = total_length / documents if documents else None

    def all_counts():
        return ArticleTerms.objects.values_list("counts", flat=True).iterator(chunk_size=batch_size)

    terms = embedding.train((counts.keys() for counts in all_counts()), df)
    if terms:
        # The centre is estimated on a sample: 32 means settle long before the corpus ends.
        sample = itertools.islice(all_counts(), MEAN_SAMPLE)
        terms[embedding.MEAN_TERM] = embedding.mean(
            (related.vectorize(c, df, documents, avg_length) for c in sample), terms
        )
    with transaction.atomic():
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create(
            [
                TermStat(term="", df=documents),
                TermStat(term=LENGTH_TERM, df=round(total_length)),
                TermStat(term=embedding.MEAN_TERM, df=0, embedding=terms.get(embedding.MEAN_TERM)),
            ]
            + [TermStat(term=t, df=n, embedding=terms.get(t)) for t, n in df.items()],
            batch_size=batch_size,
        )
        TermPosting.objects.all().delete()
        batch: list[ArticleTerms] = []
        for row in ArticleTerms.objects.only("article_id", "counts").iterator(
            chunk_size=batch_size
        ):
            row.vector = related.vectorize(row.counts, df, documents, avg_length)
            row.embedding = embedding.embed(row.vector, terms)
            batch.append(row)
            if len(batch) >= batch_size:
                _store_vectors(batch)
                batch = []
        _store_vectors(batch)
    _vacuum(ArticleTerms, TermPosting, TermStat)
    if embedders.get_backend().name != "corpus":
        # The nightly copy of the database's vectors: drops what other processes removed.
        ann.get_index().rebuild()
    return documents


def _vacuum(*models) -> None:
    """After a refresh every posting and vector row has a dead twin: on PostgreSQL, reclaim them
    and renew the planner's statistics at once rather than when autovacuum gets round to it
    (measured at 1M articles: related 32 ms p50 / 53 ms p95 just after a refresh, 19 / 24 once
    vacuumed). VACUUM cannot run inside a transaction, so a caller's transaction (tests, an
    atomic task) skips it and leaves the work to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tables}")


def _store_vectors(rows: list[ArticleTerms]) -> None:
    """Rewrite the rows' vectors and embeddings and insert their postings. Plain parameterised
    statements run many times: the ORM's bulk_update and bulk_create spent most of a refresh
    building model instances and CASE expressions (the whole refresh of 36,000 articles on
    SQLite: 87 s with them, 50 s without)."""
    if not rows:
        return
    terms_table = ArticleTerms._meta.db_table
    postings_table = TermPosting._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {terms_table} SET vector = %s, embedding = %s WHERE article_id = %s",  # noqa: S608
            [
                (
                    json.dumps(row.vector, ensure_ascii=False),
                    json.dumps(row.embedding),
                    row.article_id,
                )
                for row in rows
            ],
        )
        cursor.executemany(
            f"INSERT INTO {postings_table} (term, article_id, weight) VALUES (%s, %s, %s)",  # noqa: S608
            [
                (term, row.article_id, weight)
                for row in rows
                for term, weight in related.strongest(row.vector, related.POSTED_TERMS)
            ],
        )


def terms_rebuild(
    *,
    related_for: int | None = None,
    batch_size: int = 2000,
    precomputed: dict[str, tuple[bytes, float]] | None = None,
) -> int:
    """Bulk path for loads that bypass the services (demo loader, importers, evaluation):
    segment every public article, recount the IDF table, embed what has no current sentence
    embedding, then compute 相关推荐 for every article (or for the newest ``related_for``).
    Returns the number of indexed articles."""
    public = Article.objects.public()
    topics: dict[int, list[int]] = {}
    for article_id, topic_id in Article.topics.through.objects.filter(
        article__in=public
    ).values_list("article_id", "topic_id"):
        topics.setdefault(article_id, []).append(topic_id)
    fields = ("id", "title", "summary", "published_at", "channel_id", "creator_id")
    with transaction.atomic():
        ArticleTerms.objects.all().delete()
        rows = []
        for a in public.only(*fields).iterator(chunk_size=batch_size):
            rows.append(
                ArticleTerms(
                    article_id=a.pk,
                    counts=dict(related.features(a.title, a.summary)),
                    vector={},
                    channel_id=a.channel_id,
                    creator_id=a.creator_id,
                    published_at=a.published_at,
                    topic_ids=sorted(topics.get(a.pk, [])),
                )
            )
        ArticleTerms.objects.bulk_create(rows, batch_size=batch_size)
    documents = idf_refresh(batch_size=batch_size)
    embeddings_rebuild(precomputed=precomputed)
    ids = public.order_by("-published_at").values_list("id", flat=True)
    for article_id in list(ids[:related_for] if related_for is not None else ids):
        related_refresh(article_id=article_id)
    hooks.index_rebuilt.run(batch_size=batch_size)
    return documents
