"""The ActivityPub ids of our own objects, in one place. Ids are absolute URLs under
OPENHAO_BASE_URL, kept apart from the HTML pages (``/ap/…``) so that no cache ever holds
a JSON document and an HTML page under one URL (docs/federation.md, "Caching")."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

# A creator's name in a handle: ASCII, because Mastodon and most servers accept nothing else,
# and derived from the id, because 号名称 are Chinese and may be renamed.
CREATOR_PREFIX = "hao"
USER_PREFIX = "u"
_USERNAME = re.compile(rf"^(?:({CREATOR_PREFIX})|({USER_PREFIX}))(\d{{1,12}})$")


def base() -> str:
    return settings.OPENHAO_BASE_URL


def host() -> str:
    """The host of our handles (``name@host``): OPENHAO_BASE_URL's."""
    return urlsplit(settings.OPENHAO_BASE_URL).netloc


def absolute(path: str) -> str:
    return f"{base()}{path}"


def creator_username(creator_id: int) -> str:
    return f"{CREATOR_PREFIX}{creator_id}"


def user_username(user_id: int) -> str:
    return f"{USER_PREFIX}{user_id}"


def parse_username(name: str) -> tuple[str, int] | None:
    """("creator" | "user", id) of a local username, or None."""
    match = _USERNAME.match(name.lower())
    if not match:
        return None
    return ("creator" if match.group(1) else "user"), int(match.group(3))


def creator_handle(creator_id: int) -> str:
    return f"@{creator_username(creator_id)}@{host()}"


def creator_actor(creator_id: int) -> str:
    return absolute(reverse("federation:creator", args=[creator_id]))


def user_actor(user_id: int) -> str:
    return absolute(reverse("federation:user", args=[user_id]))


# The instance actor's name: it signs our fetches of remote documents (servers in Mastodon's
# "authorized fetch" mode answer only signed GETs).
INSTANCE_USERNAME = "instance"


def instance_actor() -> str:
    return absolute(reverse("federation:instance"))


def key_id(actor_uri: str) -> str:
    return f"{actor_uri}#main-key"


def creator_inbox(creator_id: int) -> str:
    return absolute(reverse("federation:creator_inbox", args=[creator_id]))


def creator_outbox(creator_id: int) -> str:
    return absolute(reverse("federation:creator_outbox", args=[creator_id]))


def creator_followers(creator_id: int) -> str:
    return absolute(reverse("federation:creator_followers", args=[creator_id]))


def user_inbox(user_id: int) -> str:
    return absolute(reverse("federation:user_inbox", args=[user_id]))


def user_outbox(user_id: int) -> str:
    return absolute(reverse("federation:user_outbox", args=[user_id]))


def shared_inbox() -> str:
    return absolute(reverse("federation:shared_inbox"))


def article_object(article_id: int) -> str:
    return absolute(reverse("federation:article", args=[article_id]))


def local_article_id(uri: str) -> int | None:
    """The id of our article whose object id (or page URL) ``uri`` is, or None."""
    if not uri.startswith(base() + "/"):
        return None
    match = re.match(r"^/(?:ap/articles|article)/(\d{1,12})/?$", uri[len(base()) :])
    return int(match.group(1)) if match else None


def local_creator_id(uri: str) -> int | None:
    if not uri.startswith(base() + "/"):
        return None
    match = re.match(r"^/ap/creators/(\d{1,12})$", uri[len(base()) :])
    return int(match.group(1)) if match else None


def local_user_id(uri: str) -> int | None:
    if not uri.startswith(base() + "/"):
        return None
    match = re.match(r"^/ap/users/(\d{1,12})$", uri[len(base()) :])
    return int(match.group(1)) if match else None
