"""Nearest-neighbour libraries compared for 相关推荐's embedding candidates (docs/ranking.md):
`make bench-ann [ANN_N=200000]`. Random unit vectors in 384 dimensions (the sentence model's
size; random vectors are the hard case for a graph index, real embeddings cluster), 50
neighbours per query, single-threaded queries as a request would make them. Reports build time,
query p50/p95, recall@50 against an exact scan, and the index's memory (resident set growth)."""

from __future__ import annotations

import gc
import os
import resource
import time

import numpy as np

N = int(os.environ.get("ANN_N", "200000"))
DIM = 384
K = 50
QUERIES = int(os.environ.get("ANN_QUERIES", "200"))
LIBS = os.environ.get("ANN_LIBS", "numpy,usearch,hnswlib,faiss").split(",")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def unit(rng, n):
    x = rng.standard_normal((n, DIM), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000


def main() -> None:
    rng = np.random.default_rng(5)
    data = unit(rng, N)
    # Queries near stored vectors (an article's own vector is in the index).
    queries = data[rng.choice(N, QUERIES, replace=False)]
    queries = queries + 0.3 * unit(rng, QUERIES) / np.sqrt(1)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :K]
    print(f"N={N} dim={DIM} k={K} queries={QUERIES}")
    for lib in LIBS:
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        if lib == "numpy":
            # A bounded exact scan: float32 rows and one BLAS matrix-vector product per query.
            matrix = data.copy()

            def search(q, matrix=matrix):
                s = matrix @ q
                top = np.argpartition(-s, K)[:K]
                return top[np.argsort(-s[top])]

        elif lib == "usearch":
            from usearch.index import Index

            index = Index(
                ndim=DIM,
                metric="cos",
                dtype="i8",
                connectivity=16,
                expansion_add=64,
                expansion_search=96,
            )
            index.add(np.arange(N, dtype=np.uint64), data, threads=2)

            def search(q, index=index):
                return index.search(q, K, threads=1).keys
        elif lib == "hnswlib":
            import hnswlib

            index = hnswlib.Index(space="ip", dim=DIM)
            index.init_index(max_elements=N, ef_construction=64, M=16)
            index.add_items(data, np.arange(N), num_threads=2)
            index.set_ef(96)
            index.set_num_threads(1)

            def search(q, index=index):
                return index.knn_query(q, k=K)[0][0]
        elif lib == "faiss":
            import faiss

            faiss.omp_set_num_threads(2)
            index = faiss.IndexHNSWSQ(
                DIM, faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT
            )
            index.hnsw.efConstruction = 64
            index.train(data[: min(N, 50000)])
            index.add(data)
            index.hnsw.efSearch = 96

            def search(q, index=index):
                faiss.omp_set_num_threads(1)
                return index.search(q[None, :], K)[1][0]

        build = time.perf_counter() - t0
        mem = rss_mb() - before
        times, recall = [], 0.0
        for i, q in enumerate(queries):
            t = time.perf_counter()
            found = search(q)
            times.append(time.perf_counter() - t)
            recall += len(set(map(int, found)) & set(map(int, exact[i]))) / K
        print(
            f"{lib:8s} build {build:7.1f}s  query p50 {pct(times, 0.5):6.2f} ms  "
            f"p95 {pct(times, 0.95):6.2f} ms  recall@{K} {recall / QUERIES:.3f}  "
            f"memory +{mem:.0f} MB",
            flush=True,
        )
        del search
        index = None  # noqa: F841


if __name__ == "__main__":
    main()
