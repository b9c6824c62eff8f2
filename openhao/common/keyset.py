"""Keyset pagination over (time, id), newest first: the page after a cursor is the rows strictly
below it in that order, read from an index on (owner, -time, -id) without OFFSET, so page 50
costs what page 1 does and rows added meanwhile never shift a page.

A cursor is ``<microseconds since the epoch>_<id>``; anything else counts as no cursor (the
first page), like a malformed id elsewhere (common.params)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django.db.models import Q, QuerySet

_CURSOR = re.compile(r"([0-9]{1,17})_([0-9]{1,18})")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def encode(moment: datetime, pk: int) -> str:
    delta = moment - _EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}_{pk}"


def decode(raw: object) -> tuple[datetime, int] | None:
    if not isinstance(raw, str):
        return None
    match = _CURSOR.fullmatch(raw.strip())
    if not match:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(match[1])), int(match[2])
    except OverflowError:
        return None


def page(qs: QuerySet, *, field: str, cursor: object, size: int) -> KeysetPage:
    """``size`` rows of ``qs`` below ``cursor`` ordered by (``field``, id) descending, and the
    cursor of the next page (one row more is read to know whether there is one). ``qs`` may
    be a ``values()`` queryset that includes ``field`` and ``id``."""
    after = decode(cursor)
    if after is not None:
        moment, pk = after
        # The redundant ``<=`` bound is what an index on (…, -time) can seek to; the OR alone
        # is a filter, which PostgreSQL checks row by row from the top (a deep page of a 1M
        # list then reads every row above it: bench/api.py).
        qs = qs.filter(
            Q(**{f"{field}__lte": moment}),
            Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}),
        )
    rows = list(qs.order_by(f"-{field}", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not more:
        return KeysetPage(rows, None)
    last = rows[-1]
    if isinstance(last, dict):  # a ``values()`` queryset: its rows carry ``id``
        return KeysetPage(rows, encode(last[field], last["id"]))
    return KeysetPage(rows, encode(getattr(last, field), last.pk))
