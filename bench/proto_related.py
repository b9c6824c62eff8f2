"""Offline prototype for 相关推荐 ideas: `.venv/bin/python bench/proto_related.py`.

Same features and BM25 as production, exact top-200 candidates (the inverted index's pool),
1,000 seeded queries; prints precision@10 of each re-ranking variant in about a minute, so ideas
are compared on one split before any is ported (figures in docs/ranking.md)."""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")
# PROTO_ALL=1 also runs the ideas that did not help (LSA, Rocchio, shared neighbours).
ALL = bool(os.environ.get("PROTO_ALL"))
# DIMS=32,64 chooses the embedding sizes compared; ALPHA, SHIFT, EIGEN, CENTRE the PPMI knobs.


def load(path):
    cache = REPO / "var" / "proto-counts.json"
    if cache.exists():
        return json.loads(cache.read_text())
    import django

    django.setup()
    sys.path.insert(0, str(REPO / "bench"))
    from eval_related import read

    from openhao.ranking.related import features

    rows = read(path)
    data = ([c for c, _t in rows], [dict(features(t)) for _c, t in rows])
    cache.write_text(json.dumps(data))
    return data


def main():
    path = REPO.parent / "shared" / "data" / "nlpcc2017-headlines" / "headlines.tsv"
    cats, counts = load(path)
    K1, B = float(os.environ.get("K1", 2.0)), float(os.environ.get("B", 0.5))
    vocab = {}
    rows, cols, vals = [], [], []
    for i, c in enumerate(counts):
        for t, v in c.items():
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(v)
    N = len(counts)
    C = sp.csr_matrix((vals, (rows, cols)), shape=(N, len(vocab)))
    df = np.bincount(C.indices, minlength=len(vocab))
    idf = np.log((1 + N) / (1 + df)) + 1
    length = np.asarray(C.sum(1)).ravel()
    avg = length.mean()
    D = C.copy().astype(float)
    norm = K1 * (1 - B + B * length / avg)
    for i in range(N):
        s, e = D.indptr[i], D.indptr[i + 1]
        tf = D.data[s:e]
        D.data[s:e] = idf[D.indices[s:e]] * tf * (K1 + 1) / (tf + norm[i])
    Q = C.copy().astype(float)
    Q.data = np.where(Q.data >= 1, 1 + np.log(np.maximum(Q.data, 1e-9)), Q.data)
    Q = Q.multiply(idf).tocsr()
    cat_ids = {c: i for i, c in enumerate(sorted(set(cats)))}
    y = np.array([cat_ids[c] for c in cats])
    rng = random.Random(7)
    sample = np.array(rng.sample(range(N), 1000))
    S = (Q[sample] @ D.T).toarray()
    self_s = S[np.arange(len(sample)), sample].copy()
    S[np.arange(len(sample)), sample] = -1e9
    S = S / np.maximum(self_s, 1e-9)[:, None]
    POOL = int(os.environ.get("POOL", 200))
    pool = np.argsort(-S, axis=1)[:, :POOL]
    base = np.take_along_axis(S, pool, 1)

    def prec(scores):
        top = np.take_along_axis(pool, np.argsort(-scores, axis=1)[:, :10], 1)
        return (y[top] == y[sample][:, None]).mean()

    print("baseline", round(prec(base), 4))
    Dn = sp.diags(1 / np.sqrt(np.asarray(D.multiply(D).sum(1)).ravel() + 1e-12)) @ D
    Dn = Dn.tocsr()
    # pool-internal cosine similarities
    P = [(Dn[pool[i]] @ Dn[pool[i]].T).toarray() for i in range(len(sample))]
    P = np.stack(P)
    from scipy.sparse.linalg import svds

    # LSA of the normalized BM25 matrix, mixed in as a re-rank feature
    for dim in (64, 200) if ALL else ():
        U, sv, Vt = svds(Dn, k=dim)
        E = U * sv
        E = E / (np.linalg.norm(E, axis=1, keepdims=True) + 1e-12)
        cos = np.einsum("id,ipd->ip", E[sample], E[pool])
        for lam in (0.1, 0.2, 0.4, 0.8):
            print("lsa dim", dim, "lam", lam, round(prec(base + lam * cos), 4))
    # PPMI term co-occurrence (document contexts) + SVD term embeddings
    Bn = (C > 0).astype(float).tocsc()
    keep = np.where(df >= 3)[0]
    Bk = Bn[:, keep]
    co = (Bk.T @ Bk).tocoo()
    tot = co.data.sum()
    rs = np.asarray(co.sum(1)).ravel()
    # The PPMI/SVD knobs of embedding.py (ALPHA=1 SHIFT=0 EIGEN=0.5 CENTRE=0 gives plain PPMI,
    # the second round's variant).
    alpha = float(os.environ.get("ALPHA", 0.75))
    shift = float(os.environ.get("SHIFT", 1.5))
    eigen = float(os.environ.get("EIGEN", 0.25))
    centre = os.environ.get("CENTRE", "1") == "1"
    ctx = rs**alpha
    ctx *= tot / ctx.sum()
    pmi = np.log(co.data * tot / (rs[co.row] * ctx[co.col])) - shift
    m = (pmi > 0) & (co.row != co.col)
    PP = sp.csr_matrix((pmi[m], (co.row[m], co.col[m])), shape=co.shape)
    for dim in (int(x) for x in os.environ.get("DIMS", "32").split(",")):
        U, sv, Vt = svds(PP, k=dim, v0=np.ones(PP.shape[0]) / PP.shape[0])
        T = U * sv**eigen
        W = np.zeros((len(vocab), dim))
        W[keep] = T
        E = sp.csr_matrix(D) @ W
        if centre:
            E = E - E.mean(0)
        E = E / (np.linalg.norm(E, axis=1, keepdims=True) + 1e-12)
        cos = np.einsum("id,ipd->ip", E[sample], E[pool])
        for lam in (0.4, 0.8, 1.5, 3.0):
            print("ppmi dim", dim, "lam", lam, round(prec(base + lam * cos), 4))
        print("ppmi-only", dim, round(prec(cos), 4))
        # Rocchio in embedding space: move the query towards its best k re-ranked candidates.
        first = base + 1.5 * cos
        for k in (3, 5, 10):
            idx = np.argsort(-first, 1)[:, :k]
            top = np.take_along_axis(pool, idx, 1)
            for a in (0.5, 1.0):
                q = E[sample] + a * E[top].mean(1)
                q = q / np.linalg.norm(q, axis=1, keepdims=True)
                cos2 = np.einsum("id,ipd->ip", q, E[pool])
                for lam in (1.5, 3.0):
                    print("emb-rocchio", dim, k, a, lam, round(prec(base + lam * cos2), 4))
    if not ALL:
        return
    for k in (5, 10, 20):
        for beta in (0.3, 0.6, 1.0, 2.0):
            w = np.zeros_like(base)
            w[:, :k] = 1.0 / k
            # rocchio on normalized docs: mean cosine to top-k
            vote = np.einsum("ij,ijk->ik", w, P)
            print("rocchio k", k, "beta", beta, round(prec(base + beta * vote), 4))
    for k in (10, 20):
        for beta in (0.3, 1.0):
            w = np.zeros_like(base)
            idx = np.argsort(-base, 1)[:, :k]
            np.put_along_axis(w, idx, np.take_along_axis(base, idx, 1), 1)
            w = w / w.sum(1, keepdims=True)
            vote = np.einsum("ij,ijk->ik", w, P)
            print("rocchio-weighted k", k, "beta", beta, round(prec(base + beta * vote), 4))
    # SNN within pool: neighbours of each candidate among the pool
    for k in (10, 20):
        nn = np.argsort(-P, axis=2)[:, :, 1 : k + 1]
        qnn = np.argsort(-base, 1)[:, :k]
        qmask = np.zeros_like(base, dtype=bool)
        np.put_along_axis(qmask, qnn, True, 1)
        overlap = np.take_along_axis(qmask[:, None, :].repeat(POOL, 1), nn, 2).sum(2) / k
        for g in (0.1, 0.3, 0.6):
            print("snn-pool k", k, "g", g, round(prec(base + g * overlap), 4))
    np.save(REPO / "var" / "proto-sample.npy", sample)


if __name__ == "__main__":
    main()
