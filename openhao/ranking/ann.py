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


class AnnIndex:
    def __init__(self, model: str, dim: int, path: str = ""):
        self.model, self.dim = model, dim
        self.path = Path(path) if path else None
        self._lock = threading.RLock()
        self._index = None
        self._synced_at = None
        self._checked = 0.0

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
            if meta.get("model") != self.model:
                return False
            index = self._new()
            index.load(str(self.path))
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("ann: index file %s unreadable (%s); rebuilding", self.path, exc)
            return False
        self._index = index
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
            meta = {"model": self.model, "synced_at": self._synced_at.isoformat()}
            self.path.with_suffix(".json").write_text(json.dumps(meta))

    def _rows(self, queryset):
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
                yield np.asarray(batch_ids, dtype=np.uint64), np.vstack(batch)
                batch_ids, batch = [], []
        if batch:
            yield np.asarray(batch_ids, dtype=np.uint64), np.vstack(batch)

    def rebuild(self, *, save: bool = True) -> int:
        """Read every stored vector into a new index (then swap it in)."""
        from django.db.models import Q

        started = timezone.now()
        index = self._new()
        for ids, vectors in self._rows(Q()):
            index.add(ids, vectors, threads=1)
        with self._lock:
            self._index = index
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
            for ids, vectors in self._rows(Q(updated_at__gte=self._synced_at - SYNC_MARGIN)):
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
            self._index.add(article_id, np.asarray(vector, dtype=np.float32))

    def discard(self, article_id: int) -> None:
        with self._lock:
            if self._index is not None and article_id in self._index:
                self._index.remove(article_id)

    def search(self, vector: np.ndarray, k: int, *, exclude: int | None = None):
        """(article id, cosine) of the ``k`` nearest stored vectors, nearest first."""
        index = self._ready()
        if len(index) == 0:
            return []
        matches = index.search(np.asarray(vector, dtype=np.float32), k + 1, threads=1)
        return [
            (int(key), 1.0 - float(distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
            if int(key) != exclude
        ][:k]

    def ids(self) -> set[int]:
        index = self._ready()
        return {int(k) for k in index.keys}

    def vector(self, article_id: int) -> np.ndarray | None:
        index = self._ready()
        if article_id not in index:
            return None
        return np.asarray(index.get(article_id), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ready())


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
