"""Term embeddings learned from the site's own corpus, used to re-rank related candidates.

Short headlines share few exact terms with the articles that are about the same thing: 詹姆斯
and 湖人 never co-occur in one title with 篮板, but they occur with the same other terms. A
positive-PMI matrix of term co-occurrence within articles, reduced by truncated SVD, puts such
terms close together. An article's embedding is the sum of its terms' embeddings weighted by
its BM25 vector, L2-normalised; candidates from the inverted index are re-ranked by BM25 plus
``related.EMBED_WEIGHT`` × the cosine of the two embeddings (see docs/ranking.md).

The SVD (numpy/scipy) runs only in the nightly ``idf_refresh`` task; computing an article's
embedding and comparing two of them is plain Python on ``DIM`` floats.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

DIM = 32  # measured: 32 / 64 / 100 dimensions, see docs/ranking.md
MIN_DF = 3  # rarer terms get no embedding (their co-occurrence counts are noise)
MAX_TERMS = 40_000  # the most frequent terms with df >= MIN_DF; bounds the SVD's size
# Documents read to count co-occurrences: bounds the nightly task's memory on a large site (the
# co-occurrence matrix grows with documents × terms²); a few hundred thousand texts are plenty.
TRAIN_DOCS = 300_000


def train(docs: Iterable[Iterable[str]], dfs: dict[str, int]) -> dict[str, list[float]]:
    """Term → embedding from documents given as their sets of terms. Empty when the corpus is
    too small to learn ``DIM`` dimensions."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds

    eligible = sorted((t for t, n in dfs.items() if n >= MIN_DF and t), key=lambda t: -dfs[t])
    vocab = {t: i for i, t in enumerate(eligible[:MAX_TERMS])}
    if len(vocab) <= DIM + 1:
        return {}
    indptr, indices = [0], []
    for terms in itertools.islice(docs, TRAIN_DOCS):
        indices.extend(vocab[t] for t in terms if t in vocab)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    occurrence = sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(vocab)))
    co = (occurrence.T @ occurrence).tocoo()
    total = float(co.data.sum())
    row_sums = np.asarray(co.sum(axis=1)).ravel()
    pmi = np.log(co.data * total / (row_sums[co.row] * row_sums[co.col]))
    keep = (pmi > 0) & (co.row != co.col)
    ppmi = sp.csr_matrix((pmi[keep], (co.row[keep], co.col[keep])), shape=co.shape)
    if ppmi.nnz == 0:
        return {}
    # A fixed start vector makes the result reproducible run to run.
    u, s, _vt = svds(ppmi.astype(np.float64), k=DIM, v0=np.ones(len(vocab)) / len(vocab))
    vectors = u * np.sqrt(s)
    return {t: [round(float(x), 5) for x in vectors[i]] for t, i in vocab.items()}


def embed(vector: dict[str, float], terms: dict[str, list[float]]) -> list[float]:
    """An article's embedding from its term weights; empty when none of its terms has one."""
    out = [0.0] * DIM
    found = False
    for term, weight in vector.items():
        e = terms.get(term)
        if e is None or len(e) != DIM:
            continue
        found = True
        for i, x in enumerate(e):
            out[i] += weight * x
    norm = math.sqrt(sum(x * x for x in out))
    if not found or norm == 0:
        return []
    return [round(x / norm, 4) for x in out]


def cosine(a: list[float], b: list[float]) -> float:
    """Both sides are already unit length; a missing embedding contributes nothing."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x * y for x, y in zip(a, b, strict=True))


def expand(query: list[float], others: list[list[float]], weight: float = 1.0) -> list[float]:
    """Rocchio-style query expansion: the query moved towards the mean of ``others`` (the best
    candidates), back to unit length. Missing embeddings are skipped."""
    others = [o for o in others if o and len(o) == len(query)]
    if not query or not others:
        return query
    out = [q + weight * sum(o[i] for o in others) / len(others) for i, q in enumerate(query)]
    norm = math.sqrt(sum(x * x for x in out))
    return [x / norm for x in out] if norm else query
