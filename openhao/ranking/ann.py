"""The nearest-neighbour index over the sentence-model embeddings (usearch, HNSW with int8
vectors; the library choice is measured in docs/ranking.md), one per process.

The database (``ArticleEmbedding``) is the truth and the index a copy of it:

- the publish/edit task adds or replaces the article's vector (``upsert``), a removal takes it
  out (``discard``);
- every ``SYNC_SECONDS`` a search first catches up with rows written by other processes since
  the last catch-up (``updated_at`` index), so a worker's new article reaches every process;
- ``rebuild`` (nightly, with the IDF refresh, and ``manage.py embed_articles``) reads every row
  again, which also drops what other processes removed, and saves the index file
  (``OPENHAO_ANN_PATH``) that the next process starts from instead of reading a million rows.

Neighbours are only candidates: the related scorer reads each one's stored row, so an article
removed in another process since the last rebuild is never shown.

The index holds the vectors **centred**: minus the corpus' mean embedding, back to unit length.
Every e5 embedding of Chinese news shares a large common component (cosines between unrelated
headlines are ~0.75), which crushes the range of the cosines; without it they spread over
[-0.3, 1] (docs/ranking.md measures what it gains). ``rebuild`` estimates the mean on the newest
``CENTRE_SAMPLE`` stored vectors, shrunk towards zero on a small corpus (n / (n + CENTRE_PRIOR)),
and keeps it with the index (and in the index file); ``prepare`` centres a vector with it, so
that the re-ranking compares vectors centred the same way as the index's.

With the related levers' ``spread`` (α > 0) the centred vectors are also **stretched** along
the corpus' own principal axes: multiplied by U·diag((λ / mean λ)^α)·Uᵀ, where λ, U are the
eigenvalues and eigenvectors of the vectors' covariance (estimated on the same sample and
shrunk towards the isotropic one on a small corpus, so ten articles change almost nothing).
The directions in which a corpus' embeddings vary most are its main subjects (sport against
finance, cars against cooking); what varies least is mostly the 4-bit model's noise. It is
the opposite of whitening, which measured far worse here (docs/ranking.md, sixth round).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone

from . import embedders

log = logging.getLogger(__name__)

SYNC_SECONDS = 30.0
SYNC_MARGIN = timedelta(minutes=5)  # rows written in transactions still open at the last catch-up
CONNECTIVITY = 16  # HNSW edges per node
EXPANSION_ADD = 64
EXPANSION_SEARCH = 128
BATCH = 5000
CENTRE_SAMPLE = 50_000  # stored vectors the mean is estimated on (384 means settle long before)
CENTRE_PRIOR = 100  # a corpus of n articles subtracts n / (n + 100) of its mean
# The covariance of n articles counts n / (n + 100) against an isotropic one of the same trace.
SPREAD_PRIOR = 100


class AnnIndex:
    def __init__(self, model: str, dim: int, path: str = ""):
        self.model, self.dim = model, dim
        self.path = Path(path) if path else None
        self._lock = threading.RLock()
        self._index = None
        self._synced_at = None
        self._checked = 0.0
        self._centre = np.zeros(dim, dtype=np.float32)
        self._stretch: np.ndarray | None = None  # the spread's matrix, None: centring only
        self._spread = 0.0

    def _new(self):
        from usearch.index import Index

        return Index(
            ndim=self.dim,
            metric="cos",
            dtype="i8",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )

    def _ready(self):
        with self._lock:
            if self._index is None:
                if not self._load():
                    self.rebuild(save=True)
            elif time.monotonic() - self._checked > SYNC_SECONDS:
                self.sync()
            return self._index

    def _load(self) -> bool:
        if self.path is None or not self.path.exists():
            return False
        meta_path = self.path.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("model") != self.model or meta.get("database") != _database():
                return False
            if float(meta.get("spread", 0.0)) != spread_lever():
                return False  # the levers changed since the file was written: rebuild
            centre = np.asarray(meta.get("centre") or np.zeros(self.dim), dtype=np.float32)
            if centre.shape != (self.dim,):
                return False
            stretch = None
            if meta.get("spread"):
                stretch = np.load(self.path.with_suffix(".stretch.npy")).astype(np.float32)
                if stretch.shape != (self.dim, self.dim):
                    return False
            index = self._new()
            index.load(str(self.path))
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("ann: index file %s unreadable (%s); rebuilding", self.path, exc)
            return False
        self._index = index
        self._centre, self._stretch = centre, stretch
        self._spread = float(meta.get("spread", 0.0))
        self._synced_at = datetime.fromisoformat(meta["synced_at"])
        self.sync()
        return True

    def save(self) -> None:
        if self.path is None or self._index is None:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            self._index.save(str(tmp))
            tmp.replace(self.path)
            if self._stretch is not None:
                np.save(self.path.with_suffix(".stretch.npy"), self._stretch)
            meta = {
                "model": self.model,
                "database": _database(),
                "synced_at": self._synced_at.isoformat(),
                "centre": [round(float(x), 6) for x in self._centre],
                "spread": self._spread,
            }
            self.path.with_suffix(".json").write_text(json.dumps(meta))

    def _rows(self, queryset, shape: tuple):
        from .models import ArticleEmbedding

        rows = (
            ArticleEmbedding.objects.filter(model=self.model)
            .filter(queryset)
            .values_list("article_id", "vector", "scale")
            .order_by("article_id")
        )
        batch_ids, batch = [], []
        for article_id, data, scale in rows.iterator(chunk_size=BATCH):
            batch_ids.append(article_id)
            batch.append(embedders.unpack(data, scale))
            if len(batch) >= BATCH:
                yield np.asarray(batch_ids, dtype=np.uint64), self.prepare(np.vstack(batch), shape)
                batch_ids, batch = [], []
        if batch:
            yield np.asarray(batch_ids, dtype=np.uint64), self.prepare(np.vstack(batch), shape)

    @property
    def centre(self) -> np.ndarray:
        """The mean the index's vectors are centred on (zeros before the first rebuild)."""
        self._ready()
        return self._centre

    def prepare(self, vectors: np.ndarray, shape: tuple | None = None) -> np.ndarray:
        """Vectors (one or a matrix, unit length as stored) centred on the index's mean (and
        stretched by the spread's matrix when there is one), back to unit length: what the index
        holds and what the re-ranking compares. ``shape``: (centre, stretch) other than the
        index's (a rebuild's before it is swapped in)."""
        if shape is None:
            self._ready()
            shape = (self._centre, self._stretch)
        centre, stretch = shape
        vectors = np.asarray(vectors, dtype=np.float32) - centre
        if stretch is not None:
            vectors = vectors @ stretch
        norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    def _estimate_shape(self, spread: float) -> tuple[np.ndarray, np.ndarray | None]:
        """(centre, stretch) from the newest ``CENTRE_SAMPLE`` stored vectors (module
        docstring); stretch is None when ``spread`` is 0 or there are no vectors."""
        from .models import ArticleEmbedding

        rows = (
            ArticleEmbedding.objects.filter(model=self.model)
            .order_by("-article_id")
            .values_list("vector", "scale")[:CENTRE_SAMPLE]
        )
        total = np.zeros(self.dim, dtype=np.float64)
        second = np.zeros((self.dim, self.dim), dtype=np.float64)
        n = 0
        batch: list[np.ndarray] = []

        def add(batch):
            nonlocal total, second
            block = np.vstack(batch).astype(np.float64)
            total += block.sum(axis=0)
            second += block.T @ block

        for data, scale in rows.iterator(chunk_size=BATCH):
            batch.append(embedders.unpack(data, scale))
            n += 1
            if len(batch) >= BATCH:
                add(batch)
                batch = []
        if batch:
            add(batch)
        if not n:
            return np.zeros(self.dim, dtype=np.float32), None
        mean = total / n
        centre = (mean * (n / (n + CENTRE_PRIOR))).astype(np.float32)
        if spread <= 0:
            return centre, None
        covariance = second / n - np.outer(mean, mean)
        isotropic = np.trace(covariance) / self.dim * np.eye(self.dim)
        covariance = (n * covariance + SPREAD_PRIOR * isotropic) / (n + SPREAD_PRIOR)
        values, axes = np.linalg.eigh(covariance)
        values = np.clip(values, 1e-12, None)
        scales = (values / values.mean()) ** spread
        return centre, ((axes * scales) @ axes.T).astype(np.float32)

    def rebuild(self, *, save: bool = True) -> int:
        """Read every stored vector into a new index (then swap it in)."""
        from django.db.models import Q

        started = timezone.now()
        index = self._new()
        spread = spread_lever()
        shape = self._estimate_shape(spread)
        for ids, vectors in self._rows(Q(), shape):
            index.add(ids, vectors, threads=1)
        with self._lock:
            self._index = index
            self._centre, self._stretch = shape
            self._spread = spread
            self._synced_at = started
            self._checked = time.monotonic()
            if save:
                self.save()
        return len(index)

    def sync(self) -> int:
        """Catch up with rows written since the last catch-up (by any process)."""
        from django.db.models import Q

        with self._lock:
            started = timezone.now()
            changed = 0
            for ids, vectors in self._rows(
                Q(updated_at__gte=self._synced_at - SYNC_MARGIN), (self._centre, self._stretch)
            ):
                for key in ids:
                    if int(key) in self._index:
                        self._index.remove(int(key))
                self._index.add(ids, vectors, threads=1)
                changed += len(ids)
            self._synced_at = started
            self._checked = time.monotonic()
            return changed

    def upsert(self, article_id: int, vector: np.ndarray) -> None:
        with self._lock:
            if self._index is None:
                return  # built from the database (with this row) on first use
            if article_id in self._index:
                self._index.remove(article_id)
            self._index.add(article_id, self.prepare(vector, (self._centre, self._stretch)))

    def discard(self, article_id: int) -> None:
        with self._lock:
            if self._index is not None and article_id in self._index:
                self._index.remove(article_id)

    def search(
        self, vector: np.ndarray, k: int, *, exclude: int | None = None, centred: bool = False
    ):
        """(article id, centred cosine) of the ``k`` nearest stored vectors to ``vector`` (as
        stored: ``prepare`` centres it; ``centred``: already centred, e.g. a query vector that
        the re-ranking's feedback moved), nearest first."""
        index = self._ready()
        if len(index) == 0:
            return []
        if centred:
            query = np.asarray(vector, dtype=np.float32)
        else:
            query = self.prepare(vector, (self._centre, self._stretch))
        matches = index.search(query, k + 1, threads=1)
        return [
            (int(key), 1.0 - float(distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
            if int(key) != exclude
        ][:k]

    def ids(self) -> set[int]:
        index = self._ready()
        return {int(k) for k in index.keys}

    def vector(self, article_id: int) -> np.ndarray | None:
        """The index's (centred) vector of the article."""
        index = self._ready()
        if article_id not in index:
            return None
        return np.asarray(index.get(article_id), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ready())


def spread_lever() -> float:
    """The active sentence-model levers' ``spread`` (related_weights.json; 0: centring only).
    The index holds vectors stretched by it, so a change takes effect at the next rebuild
    (nightly, or a process that finds its file written with another value)."""
    from . import related

    try:
        return float(related.weights(embedders.get_backend().name).get("spread", 0.0))
    except LookupError:
        return 0.0


def _database() -> str:
    """Which database the index file copies (a file of another database is never loaded)."""
    db = settings.DATABASES["default"]
    return f"{db['ENGINE']}:{db.get('HOST') or ''}:{db.get('PORT') or ''}:{db['NAME']}"


_index: AnnIndex | None = None
_index_lock = threading.Lock()


def get_index() -> AnnIndex:
    global _index
    backend = embedders.get_backend()
    with _index_lock:
        if _index is None or _index.model != backend.model:
            path = settings.OPENHAO_ANN_PATH
            if path:
                path = str(Path(path) / f"{backend.model}.usearch")
            _index = AnnIndex(backend.model, backend.dim, path)
        return _index


def reset() -> None:
    """Forget the process's index (tests; the next use rebuilds it from the database)."""
    global _index
    with _index_lock:
        _index = None
