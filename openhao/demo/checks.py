"""System check and start-up guard: production refuses the demo accounts, whose passwords are
published in the README (openhao/demo/accounts.py)."""

from __future__ import annotations

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from .accounts import accounts_with_demo_passwords, demo_allowed

HINT = (
    "Delete these users or give them new passwords (manage.py changepassword NAME); they were "
    "created by loaddemo, which is for local development only."
)


def _offending() -> list[str]:
    if demo_allowed():
        return []
    try:
        return accounts_with_demo_passwords()
    except DatabaseError:
        # No database yet, or no tables before the first migrate: nothing to refuse.
        return []


@register()
def demo_accounts_check(app_configs=None, **kwargs):
    return [
        Error(
            f"The demo account {name!r} exists with its published password.",
            hint=HINT,
            id="openhao.E001",
        )
        for name in _offending()
    ]


def refuse_demo_accounts() -> None:
    """Called when the WSGI application starts (gunicorn runs no system checks)."""
    try:
        names = _offending()
    finally:
        # Do not hand a connection opened here to forked workers (gunicorn --preload); one
        # inside a transaction (a test, a management command) is not ours to close.
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
    if names:
        raise ImproperlyConfigured(
            f"Refusing to start: demo account(s) {', '.join(names)} exist with their published "
            f"passwords. {HINT}"
        )
