"""相关推荐: content-based related articles (see docs/ranking.md, "Related articles").

1. ``features``: terms of the title (counted twice) and summary — CJK characters, character
   bigrams, jieba words and ASCII words — after normalisation (OpenCC, NFKC, lower case).
   Single characters matter in Chinese headlines: 车, 球, 娃, 军 name a topic on their own.
2. ``vectorize``: BM25 document weights (saturated tf, length-normalised, smoothed IDF from the
   site's own corpus, ``TermStat``); the strongest ``POSTED_TERMS`` terms go into the inverted
   index. The query side is IDF × sublinear tf (``query_vector``).
3. candidates from the postings of the query's strongest terms (newest postings first, a
   bounded range scan per term, summed in the database and joined to their stored rows in one
   query), re-ranked exactly on the stored vectors, plus channel and
   hashtag overlap, the cosine of corpus-learned embeddings (embedding.py) and a small
   freshness boost; at most ``diversity.PER_CREATOR`` per creator; the
   article itself and unpublished articles never appear.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import connection
from django.utils import timezone

from openhao.common.text import char_runs, normalize, words

from . import embedding
from .diversity import CreatorCap

# Feature weights (measured with `make eval-related`, see docs/ranking.md).
W_CHAR = 2.0
W_BIGRAM = 1.0
W_WORD = 0.5
TITLE_REPEAT = 2
TERM_MAX = 24

POSTED_TERMS = 24  # strongest terms of an article written to the inverted index
QUERY_TERMS = 24  # strongest terms of the new article used to find candidates
POSTINGS_PER_TERM = 1000  # newest postings read per query term (500-1500: same precision)
MAX_DF_SHARE = 0.08  # terms in more documents than this share find no candidates
POOL = 200  # candidates re-ranked exactly
RELATED = 10  # items stored per article

K1 = 2.0  # BM25 tf saturation
B = 0.5  # BM25 length normalisation
CHANNEL_BONUS = 0.03
TOPIC_BONUS = 0.15
FRESH_BONUS = 0.02  # a tie-breaker: at 0.05 it cost ~1 point of precision on the headlines
FRESH_DAYS = 7.0
EMBED_WEIGHT = 1.5  # × cosine of the corpus embeddings (embedding.py), measured in docs
FEEDBACK = 5  # best candidates whose embeddings expand the query's (0 turns it off)


def features(title: str, summary: str = "") -> Counter[str]:
    counts: Counter[str] = Counter()
    parts = [(normalize(title), TITLE_REPEAT), (normalize(summary), 1)]
    for text, repeat in parts:
        if not text:
            continue
        for run in char_runs(text):
            if run.isascii():
                counts["w" + run[: TERM_MAX - 1]] += W_WORD * repeat * 2
                continue
            for ch in run:
                counts["c" + ch] += W_CHAR * repeat
            for i in range(len(run) - 1):
                counts["b" + run[i : i + 2]] += W_BIGRAM * repeat
        for word in words(text):
            if len(word) > 1 and not word.isascii():
                counts["w" + word[: TERM_MAX - 1]] += W_WORD * repeat
    return counts


def idf(df: int, documents: int) -> float:
    # Smoothed IDF (as if one document held every term): never zero, never negative.
    return math.log((1 + documents) / (1 + df)) + 1.0


def doc_length(counts: dict[str, float]) -> float:
    return float(sum(counts.values()))


def vectorize(
    counts: dict[str, float],
    dfs: dict[str, int],
    documents: int,
    avg_length: float | None = None,
) -> dict[str, float]:
    """BM25 document weights: IDF × saturated tf, normalised by the document's length against
    the average (a long text does not win by repeating itself)."""
    length = doc_length(counts)
    norm = K1 * (1 - B + B * length / (avg_length or length or 1.0))
    return {
        t: round(idf(dfs.get(t, 0), documents) * tf * (K1 + 1) / (tf + norm), 4)
        for t, tf in counts.items()
        if tf > 0
    }


def query_vector(counts: dict[str, float], dfs: dict[str, int], documents: int):
    """Query weights: IDF × sublinear tf."""
    return {
        t: idf(dfs.get(t, 0), documents) * (1.0 + math.log(tf) if tf >= 1 else tf)
        for t, tf in counts.items()
        if tf > 0
    }


def strongest(vec: dict[str, float], n: int) -> list[tuple[str, float]]:
    return sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def _candidate_sql(
    query: dict[str, float], dfs: dict[str, int], documents: int, exclude_id: int, limit: int
) -> tuple[str, list] | None:
    """SQL for the best ``limit`` candidates as (article_id, score): one UNION ALL of per-term
    range scans on ranking_posting_term_idx (newest postings first), summed by the database so
    that only ``limit`` rows, not tens of thousands of postings, travel to Python."""
    max_df = max(50, int(documents * MAX_DF_SHARE))
    # A term only this article has (df <= 1) finds nothing; a ubiquitous one finds everything.
    terms = [(t, w) for t, w in strongest(query, len(query)) if 1 < dfs.get(t, 0) <= max_df]
    terms = terms[:QUERY_TERMS]
    if not terms:
        return None
    part = (
        "SELECT article_id, weight * %s AS s FROM (SELECT article_id, weight "
        "FROM ranking_termposting WHERE term = %s ORDER BY article_id DESC LIMIT %s) AS p{i}"
    )
    # Only constant text and placeholders are joined: every value is a parameter.
    sql = (
        "SELECT article_id, SUM(s) AS score FROM ("  # noqa: S608
        + " UNION ALL ".join(part.format(i=i) for i in range(len(terms)))
        + ") AS u WHERE article_id <> %s GROUP BY article_id "
        "ORDER BY score DESC, article_id DESC LIMIT %s"
    )
    params: list = []
    for term, weight in terms:
        params.extend([weight, term, POSTINGS_PER_TERM])
    params.extend([exclude_id, limit])
    return sql, params


def candidate_scores(
    query: dict[str, float],
    dfs: dict[str, int],
    documents: int,
    exclude_id: int,
    limit: int = POOL,
) -> dict[int, float]:
    """Approximate scores of the best ``limit`` candidates from the inverted index."""
    built = _candidate_sql(query, dfs, documents, exclude_id, limit)
    if built is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(*built)
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class Candidate:
    """What ``rank`` reads of a candidate (the fields of its ArticleTerms row)."""

    article_id: int
    vector: dict[str, float]
    embedding: list[float]
    channel_id: int
    creator_id: int
    published_at: datetime
    topic_ids: list[int]


def candidates(
    query: dict[str, float], dfs: dict[str, int], documents: int, exclude_id: int
) -> list[Candidate]:
    """The ``POOL`` best candidates with their stored rows, in one query. Only public articles
    have a terms row, so unpublished ones drop out in the join. JSON columns are read as text
    and decoded here: Django's per-field decoding costs three times as much for 200 rows."""
    built = _candidate_sql(query, dfs, documents, exclude_id, POOL)
    if built is None:
        return []
    sql, params = built
    sql = (
        "SELECT t.article_id, CAST(t.vector AS TEXT), CAST(t.embedding AS TEXT), t.channel_id, "  # noqa: S608
        "t.creator_id, t.published_at, CAST(t.topic_ids AS TEXT) "
        f"FROM ({sql}) AS c JOIN ranking_articleterms AS t ON t.article_id = c.article_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Candidate(
            article_id=article_id,
            vector=json.loads(vector),
            embedding=json.loads(emb),
            channel_id=channel_id,
            creator_id=creator_id,
            published_at=_aware(published_at),
            topic_ids=json.loads(topic_ids),
        )
        for article_id, vector, emb, channel_id, creator_id, published_at, topic_ids in rows
    ]


def _aware(value) -> datetime:
    # PostgreSQL hands back aware datetimes; SQLite a text column holding UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt_timezone.utc)


def freshness(published_at: datetime, now: datetime) -> float:
    age_days = max(0.0, (now - published_at).total_seconds() / 86400)
    return FRESH_BONUS * math.exp(-age_days / FRESH_DAYS)


def rank(
    *,
    query: dict[str, float],
    query_embedding: list[float] | None = None,
    self_score: float,
    pool: list,
    channel_id: int,
    topic_ids: set[int],
    now: datetime | None = None,
) -> list[tuple[int, float]]:
    """(article id, score) best first from a pool of ArticleTerms rows, creator-capped. The
    text score is BM25 divided by the article's score against itself, so that it lies around
    [0, 1] whatever the corpus and the small bonuses keep their meaning."""
    now = now or timezone.now()
    scale = self_score if self_score > 0 else 1.0
    text = [dot(query, row.vector) / scale for row in pool]
    bonus = []
    for row in pool:
        score = freshness(row.published_at, now)
        if row.channel_id == channel_id:
            score += CHANNEL_BONUS
        if topic_ids and row.topic_ids:
            shared = topic_ids.intersection(row.topic_ids)
            score += TOPIC_BONUS * len(shared) / len(topic_ids.union(row.topic_ids))
        bonus.append(score)

    def scores(target: list[float] | None) -> list[tuple[float, int, int, int]]:
        return [
            (
                t + b + (EMBED_WEIGHT * embedding.cosine(target, row.embedding) if target else 0),
                row.article_id,
                row.creator_id,
                i,
            )
            for i, (row, t, b) in enumerate(zip(pool, text, bonus, strict=True))
        ]

    scored = scores(query_embedding)
    if query_embedding and FEEDBACK:
        # Pseudo-relevance feedback in embedding space: the best few candidates say what the
        # short query is about (+0.01 in the prototype, where Rocchio on terms gave less).
        best = sorted(scored, key=lambda s: (-s[0], -s[1]))[:FEEDBACK]
        expanded = embedding.expand(query_embedding, [pool[s[3]].embedding for s in best])
        scored = scores(expanded)
    scored.sort(key=lambda s: (-s[0], -s[1]))
    cap = CreatorCap()
    out = []
    for score, article_id, creator_id, _i in scored:
        if cap.admit(creator_id):
            out.append((article_id, score))
            if len(out) >= RELATED:
                break
    return out
