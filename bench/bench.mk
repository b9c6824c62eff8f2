# Benchmarks; included from the Makefile. See bench/README.md.

# Article page throughput: uncached render, page cache hit, and nginx serving the same bytes.
# Knobs are environment variables (BENCH_DURATION=30s make bench-pages, ...).
bench-pages: $(STAMP)
	$(PY) bench/pages.py

# Read counter: buffered (Redis or local) against an UPDATE per page view, on SQLite and on
# PostgreSQL + Redis; last line `speedup: N.Nx`. Knobs: BENCH_READS_* (see bench/reads.py).
bench-reads: $(STAMP)
	$(PY) bench/reads.py
