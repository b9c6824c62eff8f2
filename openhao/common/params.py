"""Parsing request parameters that name a row. Django's lookups raise ValueError (a 500) for
"abc" or "1e5", and PostgreSQL refuses a value past the bigint range; so a parameter that is
not a plain positive number is treated like an id that does not exist."""

from __future__ import annotations

import re

# 18 digits always fit a bigint (BigAutoField), whatever the value.
_ID_RE = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """The positive integer in ``value`` (surrounding spaces allowed), else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _ID_RE.fullmatch(value):
        return None
    number = int(value)
    return number or None
