"""The demo's sign-in accounts: try the studio and the review queues at once on a laptop.

``loaddemo`` creates them, with the passwords printed by the command and listed in the README:

* ``demo-creator`` — the creator 山河旅行笔记 (the long-form article's author): the studio, its
  drafts and scheduled article, and a 数据中心 with 60 days of history;
* ``demo-operator`` — a staff reviewer (运营/审核) in the 运营 group: the review queues and the
  admin pages for channels, topics, articles and comments;
* ``admin`` — the local superuser.

Their passwords are public, so the production settings refuse them (``OPENHAO_DEMO_ALLOWED`` is
False there): ``loaddemo`` stops before touching the database, and while any of these accounts
can still sign in with its published password the system check ``openhao.E001`` fails
(``manage.py migrate``, ``check`` and ``runserver`` stop) and the WSGI application refuses to
start (``openhao/wsgi.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


CREATOR = DemoAccount("demo-creator", "openhao-demo", "创作者")  # noqa: S106 - published
OPERATOR = DemoAccount("demo-operator", "openhao-demo", "运营/审核")  # noqa: S106 - published
ADMIN = DemoAccount("admin", "admin", "超级管理员")  # noqa: S106 - published
ACCOUNTS = (CREATOR, OPERATOR, ADMIN)
OPERATOR_GROUP = "运营"


class DemoRefused(ImproperlyConfigured):
    """The settings do not allow demo content (production)."""


def demo_allowed() -> bool:
    return getattr(settings, "OPENHAO_DEMO_ALLOWED", False)


def require_demo_allowed() -> None:
    if not demo_allowed():
        raise DemoRefused(
            "Demo content and its accounts (published passwords) are for local development "
            "only; these settings refuse them (OPENHAO_DEMO_ALLOWED is False in production)."
        )


def accounts_with_demo_passwords() -> list[str]:
    """Usernames of demo accounts that still sign in with their published password.

    Compares hashes without ``user.check_password`` (which would re-save an upgraded hash)."""
    known = {account.username: account.password for account in ACCOUNTS}
    users = get_user_model().objects.filter(username__in=known).only("username", "password")
    return sorted(
        user.username
        for user in users
        if user.has_usable_password() and check_password(known[user.username], user.password)
    )
