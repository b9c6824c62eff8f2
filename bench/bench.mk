# Benchmarks; included from the Makefile. See bench/README.md.

# Article page throughput: uncached render, page cache hit, and nginx serving the same bytes.
# Knobs are environment variables (BENCH_DURATION=30s make bench-pages, ...).
bench-pages: $(STAMP)
	$(PY) bench/pages.py

# Read counter: buffered (Redis or local) against an UPDATE per page view, on SQLite and on
# PostgreSQL + Redis; last line `speedup: N.Nx`. Knobs: BENCH_READS_* (see bench/reads.py).
bench-reads: $(STAMP)
	$(PY) bench/reads.py
# Quality of 相关推荐 and search on labelled headlines (precision@10); DATA=file.tsv for others.
DATA ?=
eval-related: $(STAMP)
	$(PY) bench/eval_related.py $(DATA)

# Offline prototype comparing 相关推荐 re-ranking ideas on the headlines in about a minute
# (numpy/scipy; DIMS=32,64 POOL=200, ALPHA/SHIFT/EIGEN/CENTRE for the PPMI knobs; PROTO_ALL=1
# also runs the variants that did not help).
proto-related: $(STAMP)
	$(PY) bench/proto_related.py

# Related, hot list and search latency: 1,000,000 articles on PostgreSQL + Redis and 100,000 on
# SQLite (BENCH_DISCOVERY_PG_ARTICLES, BENCH_DISCOVERY_SQLITE_ARTICLES; see bench/discovery.py).
bench-discovery: $(STAMP)
	$(PY) bench/discovery.py

# Sensitive-word scan (10,000 words over a 5,000-character article and 100 comments) and the
# 原创 lookup against 1,000,000 fingerprints on PostgreSQL (BENCH_MODERATION_*; see
# bench/moderation.py). Last line `moderation: scan N ms per article, originality lookup M ms p95`.
bench-moderation: $(STAMP)
	$(PY) bench/moderation.py
# Soak (not in CI, ~12 min): the edge cache over a page mix at 80 % of its measured throughput
# for SOAK_SECONDS (600) while the app servers and a private Redis are restarted once each;
# fails on any response other than 200. Last line `soak: … p99 …, 0 non-2xx, …`.
soak: $(STAMP)
	$(PY) bench/soak.py
# Nearest-neighbour libraries for 相关推荐's embedding candidates (usearch, hnswlib, faiss-cpu, an
# exact numpy scan) on random unit vectors: ANN_N=1000000 ANN_LIBS=usearch make bench-ann.
# hnswlib and faiss-cpu are not dependencies: install them to compare.
bench-ann: $(STAMP)
	$(PY) bench/ann_compare.py
# The JSON API at 1,000,000 articles on PostgreSQL (database openhao_bench_api, built once by
# bulk SQL and reused): cursor pages first/middle/last/anywhere, detail, and the last article
# sitemap page when feeds are in (BENCH_API_ARTICLES, BENCH_API_REQUESTS; see bench/api.py).
# Last line `api: list P ms p95, detail D ms p95, sitemap S ms`.
bench-api: $(STAMP)
	$(PY) bench/api.py

# Campaigns: 100,000 entries and 5,000,000 engagement events on PostgreSQL + Redis; leaderboard
# read p95, scoring events/s (batches), settlement seconds (BENCH_CAMPAIGNS_*; see
# bench/campaigns.py). Last line `campaigns: leaderboard P ms p95, scoring E events/s, settlement S s`.
bench-campaigns: $(STAMP)
	$(PY) bench/campaigns.py
