"""Purging the edge cache (Varnish with xkey, deploy/varnish/openhao.vcl) by cache tag.

Pages leave the app with their tags in the ``xkey`` header (``public_page``), which the edge
indexes and strips. ``bump_tags`` invalidates the page cache in Redis at once and, when an edge
is configured (``OPENHAO_EDGE_PURGE_URLS``), enqueues ``purge_edge_task`` after the transaction
commits: purging before the commit would let the edge fetch the old page again straight away.
The task sends one ``PURGE`` with an ``xkey-purge`` header to every edge; an edge that does not
answer is tried again later (deferred with a growing delay on a worker backend, a few quick
tries inline on the immediate backend), up to ``OPENHAO_EDGE_PURGE_ATTEMPTS`` times. A purge is
idempotent, so a retry after a worker died mid-purge is harmless. Nothing here runs without an
edge: no header, no task, no request.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from http.client import HTTPConnection, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("openhao.edge")

TAG_HEADER = "xkey"
PURGE_HEADER = "xkey-purge"
# Varnish reads the header whole; a few hundred tags per purge keeps it well under its limits.
TAGS_PER_PURGE = 200


def edge_configured() -> bool:
    return bool(settings.OPENHAO_EDGE_PURGE_URLS)


def schedule_purge(tags) -> None:
    """Purge ``tags`` at every edge once the current transaction commits (now if none)."""
    if not edge_configured() or not tags:
        return
    tags = sorted(set(tags))
    transaction.on_commit(lambda: _enqueue(tags, list(settings.OPENHAO_EDGE_PURGE_URLS), 1))


def _enqueue(tags: list[str], urls: list[str], attempt: int, delay: float = 0) -> None:
    from .tasks import purge_edge_task

    task = purge_edge_task
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        task.enqueue(tags=tags, urls=urls, attempt=attempt)
    except Exception:
        # The queue is the database: if it is away the publish itself failed, and the pages
        # expire after OPENHAO_PAGE_CACHE_SECONDS anyway. Never fail a request over a purge.
        logger.exception("could not enqueue an edge purge of %s", tags)


def purge(tags: list[str], urls: list[str]) -> list[str]:
    """Send the purge to each of ``urls``; the URLs that failed."""
    failed = []
    for url in urls:
        parts = urlsplit(url)
        for start in range(0, len(tags), TAGS_PER_PURGE):
            chunk = " ".join(tags[start : start + TAGS_PER_PURGE])
            conn_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
            conn = conn_class(
                parts.hostname, parts.port, timeout=settings.OPENHAO_EDGE_PURGE_TIMEOUT
            )
            try:
                conn.request("PURGE", parts.path or "/", headers={PURGE_HEADER: chunk})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError as exc:
                ok, response = False, exc
            finally:
                conn.close()
            if not ok:
                logger.warning("edge purge of %s at %s failed: %s", chunk, url, response)
                failed.append(url)
                break
    return failed


def purge_with_retries(tags: list[str], urls: list[str], attempt: int, can_defer: bool) -> int:
    """One attempt (or, without a deferring backend, a few quick ones); schedules the next
    attempt for the edges that failed. Returns how many edges were purged."""
    failed = purge(tags, urls)
    if not can_defer:
        # The immediate backend runs this inside the request that published: a short wait only.
        while failed and attempt < settings.OPENHAO_EDGE_PURGE_ATTEMPTS:
            time.sleep(0.1 * attempt)
            attempt += 1
            failed = purge(tags, failed)
    elif failed and attempt < settings.OPENHAO_EDGE_PURGE_ATTEMPTS:
        _enqueue(tags, failed, attempt + 1, delay=min(2**attempt, 300))
        return len(urls) - len(failed)
    if failed:
        logger.error("edge purge of %s given up after %d attempts: %s", tags, attempt, failed)
        raise EdgePurgeFailed(failed)
    return len(urls)


class EdgePurgeFailed(RuntimeError):
    """Some edges could not be purged: they serve the old page until its s-maxage passes."""
