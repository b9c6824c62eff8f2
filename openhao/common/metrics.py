"""Counters that the lower layers increment where they decide (the page and fragment cache);
the ops app exposes them with the rest at /metrics (docs/deployment.md#metrics).

prometheus-client keeps them per process, or in files under ``PROMETHEUS_MULTIPROC_DIR`` when
that is set, so that one scrape of any gunicorn worker sees the sum of all workers."""

import os

from prometheus_client import Counter

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # prometheus-client writes its files there from the first metric on.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

PAGE_CACHE = Counter(
    "openhao_page_cache_requests",
    "Anonymous GET/HEAD requests of cached pages, by what the page cache did: hit (served "
    "from the cache), miss (rendered and stored), bypass (rendered, not stored: Redis away, "
    "a status other than 200/404, or a response that sets a cookie).",
    ["result"],
)
FRAGMENT_CACHE = Counter(
    "openhao_fragment_cache_requests",
    "Cached fragments looked up, by result: hit, miss (built and stored), bypass (built, not "
    "stored: Redis away).",
    ["result"],
)
for _result in ("hit", "miss", "bypass"):
    # Present from the first scrape, so a ratio over them is defined before the first hit.
    PAGE_CACHE.labels(_result)
    FRAGMENT_CACHE.labels(_result)
