"""相关推荐: content-based related articles (see docs/ranking.md, "Related articles").

1. ``features``: terms of the title (counted twice) and summary — CJK characters, character
   bigrams, jieba words and ASCII words — after normalisation (OpenCC, NFKC, lower case).
   Single characters matter in Chinese headlines: 车, 球, 娃, 军 name a topic on their own.
2. ``vectorize``: BM25 document weights (saturated tf, length-normalised, smoothed IDF from the
   site's own corpus, ``TermStat``); the strongest ``POSTED_TERMS`` terms go into the inverted
   index. The query side is IDF × sublinear tf (``query_vector``).
3. candidates from the postings of the query's strongest terms (newest postings first, a
   bounded range scan per term, summed in the database and joined to their stored rows in one
   query), joined by the nearest neighbours in embedding space (ann.py, sentence model only),
   re-ranked exactly on the stored vectors, plus channel and hashtag overlap, the cosine of
   the embeddings (embedders.py) and a small freshness boost, with the weights of
   related_weights.json; at most ``diversity.PER_CREATOR`` per creator; the
   article itself and unpublished articles never appear.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from datetime import timezone as dt_timezone
from pathlib import Path

import numpy as np
import orjson
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from openhao.common.text import char_runs, normalize, words

from . import embedders
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
# The re-ranking's weights (channel, hashtags, freshness, embedding cosine, feedback, nearest
# neighbours) are data: related_weights.json, dated entries per embedding backend.
FRESH_BONUS = 0.02  # a tie-breaker: at 0.05 it cost ~1 point of precision on the headlines
FRESH_DAYS = 7.0


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
    query: dict[str, float],
    dfs: dict[str, int],
    documents: int,
    exclude_id: int,
    limit: int,
    *,
    postings: int = POSTINGS_PER_TERM,
    query_terms: int = QUERY_TERMS,
) -> tuple[str, list] | None:
    """SQL for the best ``limit`` candidates as (article_id, score): per-term range scans on
    ranking_posting_term_idx (the newest ``postings`` of each of the query's strongest
    ``query_terms`` terms; a LATERAL scan per term on PostgreSQL, a UNION ALL on SQLite),
    summed by the database so that only ``limit`` rows, not tens of thousands of postings,
    travel to Python."""
    max_df = max(50, int(documents * MAX_DF_SHARE))
    # A term only this article has (df <= 1) finds nothing; a ubiquitous one finds everything.
    terms = [(t, w) for t, w in strongest(query, len(query)) if 1 < dfs.get(t, 0) <= max_df]
    terms = terms[:query_terms]
    if not terms:
        return None
    if connection.vendor == "postgresql":
        # The same scans as one plan for any number of terms: the UNION ALL of 24 subqueries
        # took ~4 ms to plan at 1,000,000 articles, a third of the query (docs/ranking.md).
        sql = (
            "SELECT p.article_id, SUM(p.weight * q.w) AS score "
            "FROM unnest(%s::text[], %s::float8[]) AS q(term, w) CROSS JOIN LATERAL ("
            "SELECT article_id, weight FROM ranking_termposting WHERE term = q.term "
            "ORDER BY article_id DESC LIMIT %s) AS p WHERE p.article_id <> %s "
            "GROUP BY p.article_id ORDER BY score DESC, p.article_id DESC LIMIT %s"
        )
        words = [t for t, _w in terms]
        return sql, [words, [w for _t, w in terms], postings, exclude_id, limit]
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
        params.extend([weight, term, postings])
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
    """What ``rank`` reads of a candidate (the fields of its ArticleTerms row, and its
    embedding: the corpus one from that row, or the sentence model's from ArticleEmbedding;
    with the sentence model, ``corpus`` is the row's corpus embedding as well)."""

    article_id: int
    vector: dict[str, float]
    embedding: np.ndarray | None
    channel_id: int
    creator_id: int
    published_at: datetime
    topic_ids: list[int]
    corpus: np.ndarray | None = None


def _select(model: str | None) -> tuple[str, list]:
    """The columns of a candidate row; with ``model``, the sentence-model embedding joined."""
    columns = (
        "SELECT t.article_id, CAST(t.vector AS TEXT), t.channel_id, t.creator_id, "
        "t.published_at, CAST(t.topic_ids AS TEXT), "
    )
    if model is None:
        return columns + "CAST(t.embedding AS TEXT), NULL, NULL ", []
    return columns + "e.vector, e.scale, CAST(t.embedding AS TEXT) ", []


def _join(model: str | None) -> str:
    if model is None:
        return ""
    return (
        " LEFT JOIN ranking_articleembedding AS e ON e.article_id = t.article_id AND e.model = %s"
    )


def _json_column(rows, column: int, empty: str) -> list:
    # One parse for the whole pool: 200 calls of json.loads cost several times as much, and
    # orjson parses the pool's ~140 KB of terms in a third of json's time (docs/ranking.md).
    return orjson.loads("[" + ",".join(r[column] or empty for r in rows) + "]")


def _decode(rows, model: str | None) -> list[Candidate]:
    if not rows:
        return []
    vectors = _json_column(rows, 1, "{}")
    topics = _json_column(rows, 5, "[]")
    if model is None:
        embeddings = [_json_vector(r[6]) for r in rows]
        corpora = [None] * len(rows)
    else:
        embeddings = embedders.unpack_many([(r[6], r[7]) for r in rows])
        # The corpus embeddings beside the sentence model's.
        corpora = [
            np.asarray(c, dtype=np.float32) if c else None for c in _json_column(rows, 8, "[]")
        ]
    return [
        Candidate(
            article_id=row[0],
            vector=vectors[i],
            embedding=embeddings[i],
            channel_id=row[2],
            creator_id=row[3],
            published_at=_aware(row[4]),
            topic_ids=topics[i],
            corpus=corpora[i],
        )
        for i, row in enumerate(rows)
    ]


def _json_vector(text: str | None) -> np.ndarray | None:
    values = orjson.loads(text) if text else []
    return np.asarray(values, dtype=np.float32) if values else None


def candidates(
    query: dict[str, float],
    dfs: dict[str, int],
    documents: int,
    exclude_id: int,
    *,
    model: str | None = None,
    also: list[int] = (),
    postings: int = POSTINGS_PER_TERM,
    query_terms: int = QUERY_TERMS,
    pool: int = POOL,
) -> list[Candidate]:
    """The ``pool`` best candidates with their stored rows, and the rows of the articles
    ``also`` names (the nearest neighbours in embedding space) that are not among them, in one
    query. Only public articles have a terms row, so unpublished ones drop out in the join.
    JSON columns are read as text and decoded here: Django's per-field decoding costs three
    times as much for 200 rows. ``model``: the sentence model whose stored embeddings come
    with the rows (None: the corpus embeddings on the terms row)."""
    built = _candidate_sql(
        query, dfs, documents, exclude_id, pool, postings=postings, query_terms=query_terms
    )
    if built is None:
        return rows(list(also), model=model)
    sql, params = built
    ids = f"SELECT article_id FROM ({sql}) AS s"  # noqa: S608 - placeholders only
    if also:
        # A second query for the neighbours cost ~4 ms at 1,000,000 articles on PostgreSQL.
        marks = ", ".join(["(%s)"] * len(also))
        ids += f" UNION SELECT column1 FROM (VALUES {marks}) AS v"  # noqa: S608
        params = params + [int(pk) for pk in also]
    columns, column_params = _select(model)
    sql = (
        columns  # noqa: S608 - constant text and placeholders only
        + f"FROM ({ids}) AS c JOIN ranking_articleterms AS t ON t.article_id = c.article_id"
        + _join(model)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, column_params + params + ([model] if model else []))
        return _decode(cursor.fetchall(), model)


def rows(article_ids: list[int], *, model: str | None = None) -> list[Candidate]:
    """Candidate rows of the given (public) articles, in one query: the nearest neighbours that
    the inverted index did not find. Ids without a terms row (removed since) drop out."""
    if not article_ids:
        return []
    columns, column_params = _select(model)
    marks = ", ".join(["%s"] * len(article_ids))
    sql = (
        columns  # noqa: S608 - constant text and placeholders only
        + "FROM ranking_articleterms AS t"
        + _join(model)
        + f" WHERE t.article_id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, column_params + ([model] if model else []) + list(article_ids))
        return _decode(cursor.fetchall(), model)


def _aware(value) -> datetime:
    # PostgreSQL hands back aware datetimes; SQLite a text column holding UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt_timezone.utc)


def freshness(published_at: datetime, now: datetime, weight: float = FRESH_BONUS, days=FRESH_DAYS):
    age_days = max(0.0, (now - published_at).total_seconds() / 86400)
    return weight * math.exp(-age_days / days)


# Weights of the re-ranking as data (related_weights.json): dated entries per backend.
_WEIGHTS_FILE = Path(__file__).with_name("related_weights.json")
_weights_cache: dict | None = None


def weights(backend: str, today: date | None = None) -> dict:
    """The newest entry for ``backend`` whose ``from`` date has come."""
    global _weights_cache
    if _weights_cache is None:
        _weights_cache = json.loads(_WEIGHTS_FILE.read_text(encoding="utf-8"))
    today = today or timezone.now().date()
    entries = [
        e
        for e in _weights_cache["entries"]
        if e["backend"] == backend and date.fromisoformat(e["from"]) <= today
    ]
    if not entries:
        raise LookupError(f"no related weights for backend {backend!r} from {today}")
    # The newest date wins; on the same date, the entry written later in the file.
    return sorted(entries, key=lambda e: e["from"])[-1]


# Codes stored with each related row, and the "为什么推荐" text shown for them.
REASONS = {
    "words": _lazy("标题用词相近"),
    "meaning": _lazy("内容意思相近"),
    "channel": _lazy("同一频道"),
    "topic": _lazy("同一话题"),
    "fresh": _lazy("新近发布"),
}


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _signals(pool, query, scale, channel_id, topic_ids, levers, now, dim):
    """The per-candidate signals of ``rank`` (text, channel, topic, fresh) and the embeddings'
    matrix (zero rows where a candidate has none) with its mask."""
    text = levers["text"] * np.array([dot(query, row.vector) / scale for row in pool])
    channel = levers["channel"] * np.array([row.channel_id == channel_id for row in pool], float)
    topic = np.zeros(len(pool))
    if topic_ids:
        for i, row in enumerate(pool):
            if row.topic_ids:
                shared = topic_ids.intersection(row.topic_ids)
                topic[i] = levers["topic"] * len(shared) / len(topic_ids.union(row.topic_ids))
    fresh = np.array(
        [freshness(row.published_at, now, levers["fresh"], levers["fresh_days"]) for row in pool]
    )
    matrix = np.zeros((len(pool), dim), dtype=np.float32)
    has = np.zeros(len(pool), dtype=bool)
    for i, row in enumerate(pool):
        if dim and row.embedding is not None and len(row.embedding) == dim:
            matrix[i] = row.embedding
            has[i] = True
    return text, channel, topic, fresh, matrix, has


def corpus_weight(levers: dict, documents: int, lever: str = "corpus_embed") -> float:
    """The weight of the corpus embeddings' cosine beside the sentence model's: ``corpus_embed``
    × n / (n + ``corpus_half``) for a corpus of n articles. The corpus embeddings are learned
    from the site's own articles, so they say little on a young site and more as it grows
    (docs/ranking.md, sixth round); 0 when the levers have none. Search's weight is the same
    with ``lever="search_corpus_embed"``."""
    weight = float(levers.get(lever, 0.0))
    if weight <= 0 or documents <= 0:
        return 0.0
    return weight * documents / (documents + float(levers.get("corpus_half", 10_000)))


def corpus_cosines(vectors: list, target: np.ndarray | None) -> np.ndarray:
    """The cosine of each corpus embedding (None or another size: 0) with the unit ``target``
    (zeros when there is none): 相关推荐's and search's corpus mix."""
    out = np.zeros(len(vectors))
    if target is None:
        return out
    has = [i for i, v in enumerate(vectors) if v is not None and len(v) == len(target)]
    if has:
        matrix = np.vstack([vectors[i] for i in has])
        norms = np.linalg.norm(matrix, axis=1)
        norms[norms == 0] = 1.0
        out[has] = (matrix @ target) / norms
    return out


def rank(
    *,
    query: dict[str, float],
    query_embedding: np.ndarray | None = None,
    self_score: float,
    pool: list[Candidate],
    channel_id: int,
    topic_ids: set[int],
    levers: dict,
    now: datetime | None = None,
    prepare=None,
    more=None,
    corpus_query: np.ndarray | None = None,
    documents: int = 0,
) -> list[tuple[int, float, str]]:
    """(article id, score, reason) best first from a pool of candidate rows, creator-capped.
    The text score is BM25 divided by the article's score against itself, so that it lies
    around [0, 1] whatever the corpus and the small bonuses keep their meaning. The reason is
    the signal that lifts the item most above the pool's average (``REASONS``).
    ``prepare`` (the nearest-neighbour index's, ann.py) centres the query's and the candidates'
    embeddings on the corpus mean before the cosine, when the levers' ``centre`` is set.
    ``more(target, seen, k)``: candidate rows of the ``k`` nearest neighbours of the query's
    embedding after the feedback moved it (lever ``feedback_neighbours``; 0: off), not in
    ``seen``: a second nearest-neighbour step that looks where the feedback points.
    ``corpus_query``: the article's corpus embedding, when the sentence model ranks: the
    cosine with each candidate's corpus embedding is added with ``corpus_weight`` of the
    levers and the corpus' size ``documents`` (lever ``corpus_embed``)."""
    if not pool:
        return []
    now = now or timezone.now()
    scale = self_score if self_score > 0 else 1.0
    has_query = query_embedding is not None and len(query_embedding) > 0
    dim = len(query_embedding) if has_query else 0
    text, channel, topic, fresh, matrix, has = _signals(
        pool, query, scale, channel_id, topic_ids, levers, now, dim
    )
    meaning = np.zeros(len(pool))
    mix = corpus_weight(levers, documents)
    corpus_target = None
    if mix and corpus_query is not None and len(corpus_query) and np.any(corpus_query):
        corpus_target = _unit(np.asarray(corpus_query, dtype=np.float32))

    def learned_of(rows: list[Candidate]) -> np.ndarray:
        if corpus_target is None:
            return np.zeros(len(rows))
        return mix * corpus_cosines([r.corpus for r in rows], corpus_target)

    learned = learned_of(pool)
    if has_query:
        target = _unit(np.asarray(query_embedding, dtype=np.float32))
        centre = prepare is not None and levers.get("centre")
        if centre:
            matrix = prepare(matrix) * has[:, None]
            target = prepare(target)
        meaning = levers["embed"] * (matrix @ target)
        if levers["feedback"]:
            # Pseudo-relevance feedback in embedding space: the best few candidates say what
            # the short query is about (docs/ranking.md).
            first = text + channel + topic + fresh + meaning + learned
            best = np.argsort(-first, kind="stable")[: levers["feedback"]]
            target = _unit(target + matrix[best].mean(axis=0))
            wanted = int(levers.get("feedback_neighbours", 0))
            extra = more(target, {r.article_id for r in pool}, wanted) if more and wanted else []
            if extra:
                pool = pool + extra
                signals = _signals(extra, query, scale, channel_id, topic_ids, levers, now, dim)
                extra_matrix, extra_has = signals[4], signals[5]
                if centre:
                    extra_matrix = prepare(extra_matrix) * extra_has[:, None]
                text, channel, topic, fresh = (
                    np.concatenate([a, b])
                    for a, b in zip((text, channel, topic, fresh), signals[:4], strict=True)
                )
                matrix = np.vstack([matrix, extra_matrix])
                learned = np.concatenate([learned, learned_of(extra)])
            meaning = levers["embed"] * (matrix @ target)
    meaning = meaning + learned
    total = text + channel + topic + fresh + meaning
    signals = {
        "words": text,
        "meaning": meaning,
        "channel": channel,
        "topic": topic,
        "fresh": fresh,
    }
    lift = {name: values - values.mean() for name, values in signals.items()}
    order = sorted(range(len(pool)), key=lambda i: (-total[i], -pool[i].article_id))
    cap = CreatorCap()
    out = []
    for i in order:
        row = pool[i]
        if cap.admit(row.creator_id):
            reason = max(lift, key=lambda name: lift[name][i])
            out.append((row.article_id, float(total[i]), reason))
            if len(out) >= RELATED:
                break
    return out
