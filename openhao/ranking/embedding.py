"""Term embeddings learned from the site's own corpus, used to re-rank related candidates.

Short headlines share few exact terms with the articles that are about the same thing: 詹姆斯
and 湖人 never co-occur in one title with 篮板, but they occur with the same other terms. A
shifted positive-PMI matrix of term co-occurrence within articles (with the context
distribution smoothed), reduced by truncated SVD, puts such terms close together. An article's
embedding is the sum of its terms' embeddings weighted by its BM25 vector, minus the corpus'
mean article embedding (what every article has in common says nothing about relatedness),
L2-normalised; candidates from the inverted index are re-ranked by BM25 plus
``related.EMBED_WEIGHT`` × the cosine of the two embeddings (see docs/ranking.md).

The SVD (numpy/scipy) runs only in the nightly ``idf_refresh`` task; computing an article's
embedding and comparing two of them is plain Python on ``DIM`` floats.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

DIM = 32  # measured: 32 / 48 / 64 / 100 dimensions, see docs/ranking.md
# The three PPMI/SVD knobs of Levy, Goldberg & Dagan (2015), each measured on the headlines:
CONTEXT_ALPHA = 0.75  # context counts raised to this power: rare contexts stop inflating PMI
SHIFT = 1.5  # PMI below this (log of ~4.5 "negative samples") is treated as no association
EIGEN_POWER = 0.25  # term vectors are U × s^p; p = 0.5 (symmetric) and 1 measured worse
MEAN_TERM = " mean"  # key of the corpus' mean article embedding (features never hold a space)
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
    contexts = row_sums**CONTEXT_ALPHA
    contexts *= total / contexts.sum()
    pmi = np.log(co.data * total / (row_sums[co.row] * contexts[co.col])) - SHIFT
    keep = (pmi > 0) & (co.row != co.col)
    ppmi = sp.csr_matrix((pmi[keep], (co.row[keep], co.col[keep])), shape=co.shape)
    if ppmi.nnz == 0:
        return {}
    # A fixed start vector makes the result reproducible run to run.
    u, s, _vt = svds(ppmi.astype(np.float64), k=DIM, v0=np.ones(len(vocab)) / len(vocab))
    vectors = u * s**EIGEN_POWER
    return {t: [round(float(x), 5) for x in vectors[i]] for t, i in vocab.items()}


def _sum(vector: dict[str, float], terms: dict[str, list[float]]) -> list[float] | None:
    out = [0.0] * DIM
    found = False
    for term, weight in vector.items():
        e = terms.get(term)
        if e is None or len(e) != DIM:
            continue
        found = True
        for i, x in enumerate(e):
            out[i] += weight * x
    return out if found else None


def mean(vectors: Iterable[dict[str, float]], terms: dict[str, list[float]]) -> list[float]:
    """The mean (uncentred, unnormalised) article embedding of ``vectors``; ``train``'s caller
    stores it under ``MEAN_TERM`` so that ``embed`` can centre. Empty when there is none."""
    total = [0.0] * DIM
    n = 0
    for vector in vectors:
        s = _sum(vector, terms)
        if s is not None:
            n += 1
            for i, x in enumerate(s):
                total[i] += x
    return [round(x / n, 5) for x in total] if n else []


def embed(vector: dict[str, float], terms: dict[str, list[float]]) -> list[float]:
    """An article's embedding from its term weights, centred on ``terms[MEAN_TERM]`` when
    present; empty when none of its terms has one."""
    out = _sum(vector, terms)
    if out is None:
        return []
    centre = terms.get(MEAN_TERM)
    if centre and len(centre) == DIM:
        out = [x - c for x, c in zip(out, centre, strict=True)]
    norm = math.sqrt(sum(x * x for x in out))
    if norm == 0:
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
