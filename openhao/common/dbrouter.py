"""Reads of selectors from a PostgreSQL streaming replica, everything else from the primary.

With ``DATABASE_REPLICA_URL`` set (``OPENHAO_READ_REPLICA`` on), a query runs on the
``replica`` alias when all of these hold, and on ``default`` otherwise:

* it is issued while a function of an ``openhao.<app>.selectors`` module is running (the
  layer that only reads: docs/architecture.md). Found by walking the caller frames rather than
  by a decorator on every selector, so a new selector needs nothing; a lazy queryset that a
  selector returns and a template evaluates later is outside that call and reads the primary,
  which is the safe side;
* no write went to the primary earlier in the same request (or ``primary_scope``), and the
  client did not write in the last ``OPENHAO_REPLICA_PIN_SECONDS`` (a cookie set by the
  request that wrote, so the page it redirects to shows the write even if the replica lags);
* the primary connection is not inside ``transaction.atomic()``: a transaction reads what it
  is about to write.

``use_primary()`` pins the rest of a scope to the primary by hand (a service that reads
through a selector before its first write and cannot bear replica lag). Migrations run on the
primary only; the replica follows by streaming replication.
"""

from __future__ import annotations

import contextlib
import sys
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = "oh_primary"

# True once this scope (a request, a primary_scope) wrote: its later reads see the write.
_wrote: ContextVar[bool] = ContextVar("openhao_db_wrote", default=False)


def _replica_enabled() -> bool:
    return settings.OPENHAO_READ_REPLICA and REPLICA_DB_ALIAS in settings.DATABASES


def _in_selector() -> bool:
    frame = sys._getframe(2)  # noqa: SLF001 - the router and Django's QuerySet.db
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("openhao.") and name.endswith(".selectors"):
            return True
        frame = frame.f_back
    return False


def read_alias() -> str:
    """Where a read issued here and now goes (the router's choice, for tests and tools)."""
    if not _replica_enabled() or _wrote.get():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA_DB_ALIAS if _in_selector() else DEFAULT_DB_ALIAS


def use_primary() -> None:
    """Read from the primary for the rest of the current scope."""
    _wrote.set(True)


def wrote() -> bool:
    return _wrote.get()


@contextlib.contextmanager
def primary_scope(pinned: bool = False):
    """A unit of work (a request, a task) whose writes pin its own later reads, and only
    its own: the flag is reset when the scope ends."""
    token = _wrote.set(pinned)
    try:
        yield
    finally:
        _wrote.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadAfterWriteMiddleware:
    """Scopes the router's pin to one request, and carries it to the client's next requests
    for ``OPENHAO_REPLICA_PIN_SECONDS`` through a cookie, so that the page after a POST shows
    what the POST wrote even while the replica lags behind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _replica_enabled():
            return self.get_response(request)
        with primary_scope(pinned=PIN_COOKIE in request.COOKIES):
            response = self.get_response(request)
            if _wrote.get() and PIN_COOKIE not in request.COOKIES:
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.OPENHAO_REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
        return response
