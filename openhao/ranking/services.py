"""Writes of ranking data. Other apps call ``article_engagement_changed`` after they change an
article's counters, and the article services call ``article_score_refresh`` on publish and
remove; both keep the stored score row and (with Redis) the hot sorted sets in step.

Redis is written at once rather than on commit, so a rolled-back transaction can leave a stale
entry behind: readers load articles through the published-only list query (a removed article
never shows) and the next refresh or ``scores_rebuild`` corrects the score."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from openhao.articles.models import PUBLIC_FIELDS, Article
from openhao.creators.models import Creator

from . import embedding, redis_store, related
from .hot import SIGNALS, hot_score
from .models import (
    ArticleScore,
    ArticleTerms,
    FeedHidden,
    FeedMuted,
    ReadHistory,
    RelatedArticle,
    TermPosting,
    TermStat,
)

COUNTER_FIELDS = tuple(SIGNALS)


def _member(score: ArticleScore) -> str:
    return redis_store.member(
        score.article_id, score.creator_id, int(score.published_at.timestamp())
    )


def _score_row(article: Article) -> ArticleScore:
    """The score row of a public article loaded with ``SCORE_FIELDS``."""
    return ArticleScore(
        article_id=article.pk,
        channel_id=article.channel_id,
        creator_id=article.creator_id,
        published_at=article.published_at,
        hot=hot_score(
            published_at=article.published_at,
            counts={f: getattr(article, f) for f in COUNTER_FIELDS},
        ),
    )


SCORE_FIELDS = ("id", "published_at", "channel_id", "creator_id", *COUNTER_FIELDS)


@transaction.atomic
def article_score_refresh(*, article_id: int) -> ArticleScore | None:
    """Recompute the article's hot score from its counters. Unpublished articles lose their
    row (and their place in the hot sets). Returns the row, or None when not public."""
    article = Article.objects.filter(pk=article_id).only(*PUBLIC_FIELDS, *SCORE_FIELDS).first()
    old = ArticleScore.objects.select_for_update().filter(article_id=article_id).first()
    old_member = _member(old) if old else None
    old_channel = old.channel_id if old else None
    if article is None or not article.is_public:
        if old:
            old.delete()
            if redis_store.enabled():
                redis_store.drop(old=old_member, channel_id=old_channel)
        return None
    fresh = _score_row(article)
    score = fresh.hot
    row, _created = ArticleScore.objects.update_or_create(
        article_id=article.pk,
        defaults={
            "channel_id": fresh.channel_id,
            "creator_id": fresh.creator_id,
            "published_at": fresh.published_at,
            "hot": score,
        },
    )
    if redis_store.enabled():
        new_member = _member(row)
        redis_store.put(
            old=old_member if old_member != new_member else None,
            new=new_member,
            channel_id=row.channel_id,
            old_channel_id=old_channel,
            score=score,
        )
    return row


def article_content_changed(*, article_id: int) -> None:
    """Call after an article is published, edited or removed: its score row and hot-set entry
    follow now; keywords, related articles and the search entry follow in a task."""
    article_score_refresh(article_id=article_id)
    from .tasks import article_discovery_update

    backend = article_discovery_update.get_backend()
    if (
        type(backend).__name__ != "ImmediateBackend"
        and transaction.get_connection().in_atomic_block
    ):
        # A worker must not read the article before this transaction commits.
        transaction.on_commit(lambda: article_discovery_update.enqueue(article_id))
    else:
        article_discovery_update.enqueue(article_id)


# --- keywords and 相关推荐 ---------------------------------------------------------------------


LENGTH_TERM = " len"  # TermStat row holding the total document length (features never hold a space)
MEAN_SAMPLE = 50_000  # articles over which idf_refresh estimates the mean embedding


def _corpus() -> tuple[int, float | None]:
    """Number of documents and their average length (None before the first IDF refresh)."""
    rows = dict(TermStat.objects.filter(term__in=["", LENGTH_TERM]).values_list("term", "df"))
    documents = rows.get("", 0)
    total = rows.get(LENGTH_TERM)
    return documents, (total / documents if total and documents else None)


def _dfs(terms) -> dict[str, int]:
    return dict(TermStat.objects.filter(term__in=list(terms)).values_list("term", "df"))


def _term_embeddings(terms) -> dict[str, list[float]]:
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
    vector = related.vectorize(counts, _dfs(counts), *_corpus())
    row, _ = ArticleTerms.objects.update_or_create(
        article_id=article.pk,
        defaults={
            "counts": dict(counts),
            "vector": vector,
            "embedding": embedding.embed(vector, _term_embeddings(vector)),
            "channel_id": article.channel_id,
            "creator_id": article.creator_id,
            "published_at": article.published_at,
            "topic_ids": sorted(article.topics.values_list("id", flat=True)),
        },
    )
    TermPosting.objects.bulk_create(_postings(article.pk, vector))
    return row


def related_compute(*, article_id: int) -> list[tuple[int, float]]:
    """相关推荐 for an indexed article: (article id, score), best first (see related.py)."""
    terms = ArticleTerms.objects.filter(article_id=article_id).first()
    if terms is None:
        return []
    documents, _avg = _corpus()
    dfs = _dfs(terms.counts)
    query = related.query_vector(terms.counts, dfs, documents)
    pool = related.candidates(query, dfs, documents, exclude_id=article_id)
    return related.rank(
        query=query,
        query_embedding=terms.embedding,
        self_score=related.dot(query, terms.vector),
        pool=pool,
        channel_id=terms.channel_id,
        topic_ids=set(terms.topic_ids),
    )


@transaction.atomic
def related_refresh(*, article_id: int) -> list[int]:
    """Recompute and store the article's 相关推荐; returns the ids in order."""
    ranked = related_compute(article_id=article_id)
    RelatedArticle.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article_id=article_id, related_id=rid, rank=i, score=score)
        for i, (rid, score) in enumerate(ranked)
    )
    return [rid for rid, _score in ranked]


def article_discovery_update(*, article_id: int) -> None:
    """The task body: keywords, then related articles, then the search entry."""
    if article_terms_index(article_id=article_id) is not None:
        related_refresh(article_id=article_id)
    from openhao.search.services import search_index_article

    search_index_article(article_id=article_id)


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


def article_engagement_changed(*, article_id: int) -> None:
    """Call after updating any of an article's engagement counters (reads, likes, comments,
    shares): the stored score and the hot lists follow."""
    article_score_refresh(article_id=article_id)


def articles_engagement_changed(*, article_ids) -> int:
    """Bulk twin of ``article_engagement_changed`` for batched counters (read flushes): one
    SELECT and one upsert for the whole batch. Engagement does not move an article between
    channels or creators, so its hot-set members are re-scored in place. Returns the rows."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    public = Article.objects.public().filter(pk__in=ids).only(*SCORE_FIELDS)
    rows = [_score_row(article) for article in public]
    with transaction.atomic():
        _upsert(rows)
    if redis_store.enabled():
        for row in rows:
            redis_store.put(
                old=None,
                new=_member(row),
                channel_id=row.channel_id,
                old_channel_id=row.channel_id,
                score=row.hot,
            )
    return len(rows)


def scores_rebuild(*, batch_size: int = 2000) -> int:
    """Recompute every score row from the article table (after bulk loads, imports or a change
    of constants), then rebuild the Redis sets. Returns the number of public articles."""
    public = Article.objects.public()
    count = 0
    with transaction.atomic():
        ArticleScore.objects.exclude(article__in=public).delete()
        rows = []
        for article in public.only(*SCORE_FIELDS).iterator(chunk_size=batch_size):
            rows.append(_score_row(article))
            if len(rows) >= batch_size:
                count += _upsert(rows)
                rows = []
        count += _upsert(rows)
    if redis_store.enabled():
        redis_store.forget_all()
    return count


def _upsert(rows: list[ArticleScore]) -> int:
    if rows:
        ArticleScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["channel", "creator", "published_at", "hot"],
        )
    return len(rows)


def hot_set_rebuild(*, channel_id: int | None = None) -> None:
    """Fill one Redis set (site-wide or one channel's) with the best KEEP score rows
    (ranking_hot_idx, ranking_channel_hot_idx)."""
    rows = ArticleScore.objects.all()
    key = redis_store.site_key()
    if channel_id:
        rows = rows.filter(channel_id=channel_id)
        key = redis_store.channel_key(channel_id)
    cols = ("article_id", "creator_id", "published_at", "hot")
    redis_store.replace(
        key,
        [
            (redis_store.member(a, c, int(p.timestamp())), h)
            for a, c, p, h in rows.order_by("-hot").values_list(*cols)[: redis_store.KEEP]
        ],
    )


def terms_rebuild(*, related_for: int | None = None, batch_size: int = 2000) -> int:
    """Bulk path for loads that bypass the services (demo loader, importers, evaluation):
    segment every public article, recount the IDF table, then compute 相关推荐 for every article
    (or for the newest ``related_for``). Returns the number of indexed articles."""
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
    ids = public.order_by("-published_at").values_list("id", flat=True)
    for article_id in list(ids[:related_for] if related_for is not None else ids):
        related_refresh(article_id=article_id)
    from openhao.search.services import search_index_rebuild

    search_index_rebuild(batch_size=batch_size)
    return documents


# --- 推荐 feed preferences -----------------------------------------------------------------------


@transaction.atomic
def feed_hide(*, user, article_id: int) -> bool:
    """Hide an article from the reader's feed. Idempotent; False when there is no such
    public article."""
    if not Article.objects.public().filter(pk=article_id).exists():
        return False
    FeedHidden.objects.get_or_create(user=user, article_id=article_id)
    return True


@transaction.atomic
def feed_mute(*, user, creator_id: int) -> bool:
    """Mute a creator in the reader's feed. Idempotent; False when there is no such creator."""
    if not Creator.objects.filter(pk=creator_id).exists():
        return False
    FeedMuted.objects.get_or_create(user=user, creator_id=creator_id)
    return True


# --- reading history ------------------------------------------------------------------------------

HISTORY_PER_USER = 200  # newest reads kept per reader
HISTORY_BATCH = 500
# ranking_readhistory_user_idx: each reader's rows newest first; rows past the cap go.
_TRIM_SQL = (
    "DELETE FROM ranking_readhistory WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() "
    "OVER (PARTITION BY user_id ORDER BY read_at DESC, id DESC) AS n FROM ranking_readhistory "
    "WHERE user_id IN ({marks})) AS ranked WHERE n > %s)"
)


def read_history_record(*, entries: Iterable[tuple[int, int, float]]) -> int:
    """Store buffered reads of signed-in readers, ``(user id, article id, unix time)``, in one
    transaction: an upsert per ``HISTORY_BATCH`` rows (a re-read moves the row's time), then
    each touched reader's history is trimmed to the newest ``HISTORY_PER_USER`` rows with one
    DELETE per batch of readers. Readers or articles deleted since the read are skipped.
    Called by the read flush (engagement.counters.flush_reads); returns the rows written."""
    latest: dict[tuple[int, int], float] = {}
    for user_id, article_id, ts in entries:
        key = (int(user_id), int(article_id))
        latest[key] = max(latest.get(key, 0.0), float(ts))
    if not latest:
        return 0
    users = {u for u, _ in latest}
    articles = {a for _, a in latest}
    with transaction.atomic():
        users = set(get_user_model().objects.filter(pk__in=users).values_list("pk", flat=True))
        articles = set(Article.objects.filter(pk__in=articles).values_list("pk", flat=True))
        rows = [
            ReadHistory(
                user_id=u, article_id=a, read_at=datetime.fromtimestamp(ts, tz=timezone.utc)
            )
            for (u, a), ts in sorted(latest.items())
            if u in users and a in articles
        ]
        ReadHistory.objects.bulk_create(
            rows,
            batch_size=HISTORY_BATCH,
            update_conflicts=True,
            unique_fields=["user", "article"],
            update_fields=["read_at"],
        )
        ordered = sorted(users)
        for start in range(0, len(ordered), HISTORY_BATCH):
            chunk = ordered[start : start + HISTORY_BATCH]
            sql = _TRIM_SQL.format(marks=", ".join(["%s"] * len(chunk)))
            with connection.cursor() as cursor:
                cursor.execute(sql, [*chunk, HISTORY_PER_USER])
    return len(rows)
