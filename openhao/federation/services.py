"""Writes of federation, and the inbox.

Side effects of an incoming activity, in the order they happen (``inbox_receive``):

1. the body size and JSON are checked; the signature's key is looked up (our cached copy of the
   remote actor, fetched through the SSRF-safe fetcher the first time, again once if the
   cached key does not verify: keys rotate);
2. the signature is verified (signatures.verify: format, covered parts, digest, Date window);
3. the signature is remembered (``SeenSignature``): the same signature again within the
   window is a replay and is refused;
4. the activity's ``actor`` must be the key's owner;
5. the activity is applied (Follow, Undo, Like, Announce, Delete, Accept, Reject, Create,
   Update), each an idempotent upsert or delete keyed on ActivityPub ids; replies (Accept of a
   Follow) are delivered after the commit by the task worker, never inside the request.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from openhao.accounts.models import User
from openhao.articles.models import Article
from openhao.articles.sanitize import sanitize_body
from openhao.common import fetch
from openhao.creators.models import Creator

from . import selectors, signatures, uris
from .models import (
    ActorKey,
    DeadLetter,
    OutboxEntry,
    RemoteActor,
    RemoteFollower,
    RemoteFollowing,
    RemoteObject,
    RemoteReaction,
    SeenSignature,
)

logger = logging.getLogger("openhao.federation")

INBOX_MAX_BYTES = 256 * 1024
URL_MAX = 500  # the URL columns' length
ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}
OBJECT_TYPES = {"Article", "Note", "Page"}


class InboxError(Exception):
    """An inbox POST refused; ``status`` is the HTTP answer (400, 401, 403, 413)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class FederationError(Exception):
    """A remote lookup that failed, with a Chinese message for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- our keys -------------------------------------------------------------------------------


def _key_get_or_create(**owner) -> ActorKey:
    key = ActorKey.objects.filter(**owner).first()
    if key is not None:
        return key
    public_pem, private_pem = signatures.new_key_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                public_key_pem=public_pem, private_key_pem=private_pem, **owner
            )
    except IntegrityError:  # two first requests at once: the other one's key stands
        return ActorKey.objects.get(**owner)


def creator_key(creator: Creator) -> ActorKey:
    return _key_get_or_create(creator=creator)


def user_key(user: User) -> ActorKey:
    return _key_get_or_create(user=user)


def instance_key() -> ActorKey:
    return _key_get_or_create(creator=None, user=None, instance=True)


def _signed_get_headers(url: str) -> dict[str, str]:
    """Headers that sign a GET of ``url`` as the instance actor (authorized fetch)."""
    host, path = fetch.request_target(url)
    headers = signatures.sign(
        method="GET",
        url=url,
        host=host,
        path=path,
        body=None,
        key_id=uris.key_id(uris.instance_actor()),
        private_pem=instance_key().private_key_pem,
        style=settings.OPENHAO_FEDERATION_SIGN_WITH,
    )
    headers.pop("Host")  # the fetcher sets it, from the same URL
    return headers


def _signer(signer: str) -> tuple[str, str]:
    """(key id, private PEM) of a signer named ``"creator:12"`` or ``"user:3"``."""
    kind, _sep, pk = signer.partition(":")
    if kind == "creator":
        key = creator_key(Creator.objects.get(pk=int(pk)))
        return uris.key_id(uris.creator_actor(int(pk))), key.private_key_pem
    key = user_key(User.objects.get(pk=int(pk)))
    return uris.key_id(uris.user_actor(int(pk))), key.private_key_pem


# --- remote actors --------------------------------------------------------------------------


def _id_of(value) -> str:
    if isinstance(value, dict):
        value = value.get("id", "")
    return value if isinstance(value, str) else ""


def _link(value) -> str:
    """A URL from an ActivityStreams ``url``: a string, a Link (``href``) or a list of them;
    "" when there is none or it would not fit the column."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("href") or value.get("id") or ""
    if not isinstance(value, str) or len(value) > URL_MAX:
        return ""
    return value if value.startswith(("http://", "https://")) else ""


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc.lower()) == (pb.scheme, pb.netloc.lower())


def _fetch_document(url: str) -> dict:
    try:
        result = fetch.fetch_json(url, headers=_signed_get_headers(url))
        document = json.loads(result.content)
    except fetch.FetchError as exc:
        raise FederationError(exc.message) from None
    except ValueError:
        raise FederationError(_("对方服务器返回的不是有效的 JSON。")) from None
    if not isinstance(document, dict):
        raise FederationError(_("对方服务器返回的不是有效的 JSON。"))
    return document


def remote_actor_fetch(uri: str) -> RemoteActor:
    """Fetch the actor document at ``uri`` and store what we need of it."""
    document = _fetch_document(uri)
    if document.get("type") not in ACTOR_TYPES:
        raise FederationError(_("这个地址不是联邦宇宙用户。"))
    actor_id = _id_of(document)
    if not actor_id or not _same_origin(actor_id, uri):
        raise FederationError(_("联邦宇宙用户的 ID 与其地址不符。"))
    inbox = document.get("inbox")
    if not isinstance(inbox, str) or not _same_origin(inbox, actor_id):
        raise FederationError(_("联邦宇宙用户缺少收件箱。"))
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox", "")
    key = document.get("publicKey") if isinstance(document.get("publicKey"), dict) else {}
    key_id = key.get("id", "") if _id_of(key.get("owner", "")) == actor_id else ""
    if any(len(v) > URL_MAX for v in (actor_id, inbox, shared if isinstance(shared, str) else "",
                                      key_id if isinstance(key_id, str) else "")):  # fmt: skip
        raise FederationError(_("联邦宇宙用户的地址太长。"))
    actor, _created = RemoteActor.objects.update_or_create(
        uri=actor_id,
        defaults={
            "inbox": inbox,
            "shared_inbox": shared if isinstance(shared, str) else "",
            "preferred_username": str(document.get("preferredUsername", ""))[:200],
            "domain": urlsplit(actor_id).netloc.lower(),
            "name": str(document.get("name") or "")[:200],
            "url": _link(document.get("url")) or actor_id,
            "key_id": key_id if isinstance(key_id, str) else "",
            "public_key_pem": key.get("publicKeyPem", "") if key_id else "",
            "fetched_at": timezone.now(),
        },
    )
    return actor


def _actor_uri_of_key(key_id: str) -> str:
    return key_id.split("#", 1)[0]


def remote_actor_by_key(key_id: str, *, refresh: bool = False) -> RemoteActor:
    """The actor owning ``key_id``: our copy, or fetched (``refresh``: fetched again)."""
    if not refresh:
        actor = RemoteActor.objects.filter(key_id=key_id).first()
        if actor is not None and actor.public_key_pem:
            return actor
    uri = _actor_uri_of_key(key_id)
    if uris.local_creator_id(uri) is not None or uris.local_user_id(uri) is not None:
        raise FederationError("a key of ours")  # we never sign as ourselves to ourselves
    actor = remote_actor_fetch(uri)
    if actor.key_id != key_id:
        raise FederationError(_("签名所用的密钥不属于这个用户。"))
    return actor


def webfinger_lookup(handle: str) -> RemoteActor:
    """``@name@host`` (or ``name@host``) → the remote actor, through WebFinger."""
    name, _sep, host = handle.strip().lstrip("@").partition("@")
    if not name or not host or "/" in host or "@" in host:
        raise FederationError(_("请输入 @用户名@域名 形式的联邦宇宙账号。"))
    scheme = settings.OPENHAO_FEDERATION_WEBFINGER_SCHEME
    resource = quote(f"acct:{name}@{host}", safe="")
    url = f"{scheme}://{host}/.well-known/webfinger?resource={resource}"
    try:
        result = fetch.fetch_json(url, headers={"Accept": "application/jrd+json, application/json"})
        jrd = json.loads(result.content)
    except fetch.FetchError as exc:
        raise FederationError(exc.message) from None
    except ValueError:
        raise FederationError(_("对方服务器返回的不是有效的 JSON。")) from None
    links = jrd.get("links", []) if isinstance(jrd, dict) else []
    for link in links if isinstance(links, list) else []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and link.get("type", "").split(";")[0]
            in ("application/activity+json", "application/ld+json")
            and isinstance(link.get("href"), str)
        ):
            return remote_actor_fetch(link["href"])
    raise FederationError(_("没有找到这个联邦宇宙账号。"))


# --- the inbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRequest:
    method: str
    url: str  # as received: scheme://host/path?query
    path: str  # path with query
    headers: dict[str, str]
    body: bytes


def signature_remember(fingerprint: str) -> bool:
    """Remember a verified signature; False when it was seen within the window (a replay)."""
    now = timezone.now()
    window = timedelta(seconds=settings.OPENHAO_FEDERATION_SIGNATURE_WINDOW_SECONDS)
    # Past twice the window a signature is refused as stale anyway: forget it.
    SeenSignature.objects.filter(seen_at__lt=now - 2 * window).delete()
    try:
        with transaction.atomic():
            SeenSignature.objects.create(digest=fingerprint, seen_at=now)
    except IntegrityError:
        return False
    return True


def _verify(request: InboxRequest) -> RemoteActor:
    try:
        key_id = signatures.key_id_of(request.headers)
    except signatures.SignatureError as exc:
        raise InboxError(401, str(exc)) from None
    refreshed = False
    while True:
        try:
            actor = remote_actor_by_key(key_id, refresh=refreshed)
        except FederationError as exc:
            raise InboxError(401, f"signing key not found: {exc.message}") from None
        try:
            verified = signatures.verify(
                method=request.method,
                url=request.url,
                path=request.path,
                headers=request.headers,
                body=request.body,
                public_key=lambda _kid, actor=actor: actor.public_key_pem,
                window_seconds=settings.OPENHAO_FEDERATION_SIGNATURE_WINDOW_SECONDS,
            )
            break
        except signatures.SignatureError as exc:
            if refreshed or "does not verify" not in str(exc):
                raise InboxError(401, str(exc)) from None
            refreshed = True  # the key may have rotated: fetch the actor once more
    if not signature_remember(verified.fingerprint):
        raise InboxError(401, "replayed signature")
    return actor


def inbox_receive(request: InboxRequest) -> str:
    """Verify and apply one inbox POST; returns the activity type applied (or "ignored")."""
    if len(request.body) > INBOX_MAX_BYTES:
        raise InboxError(413, "activity too large")
    try:
        activity = json.loads(request.body)
    except ValueError:
        raise InboxError(400, "not JSON") from None
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        raise InboxError(400, "not an activity")
    if (
        activity["type"] == "Delete"
        and _id_of(activity.get("object")) == _id_of(activity.get("actor"))
        and not RemoteActor.objects.filter(uri=_id_of(activity.get("actor"))).exists()
    ):
        # A deleted account is announced to every server it ever met; one we never knew has
        # nothing here to delete, and its key can no longer be fetched: no need to look.
        return "ignored"
    actor = _verify(request)
    if _id_of(activity.get("actor")) != actor.uri:
        raise InboxError(403, "the activity's actor is not the signer")
    with transaction.atomic():
        return _apply(actor, activity)


def _apply(actor: RemoteActor, activity: dict) -> str:
    kind = activity["type"]
    handler = {
        "Follow": _on_follow,
        "Undo": _on_undo,
        "Like": _on_reaction,
        "Announce": _on_reaction,
        "Delete": _on_delete,
        "Accept": _on_accept,
        "Reject": _on_reject,
        "Create": _on_create_or_update,
        "Update": _on_create_or_update,
    }.get(kind)
    if handler is None:
        return "ignored"
    return handler(actor, activity) or kind


def _on_follow(actor: RemoteActor, activity: dict) -> str | None:
    creator_id = uris.local_creator_id(_id_of(activity.get("object")))
    if creator_id is None or not Creator.objects.filter(pk=creator_id).exists():
        return "ignored"
    follow_id = _id_of(activity) or f"{actor.uri}#follow"
    if len(follow_id) > URL_MAX:
        return "ignored"
    RemoteFollower.objects.update_or_create(
        creator_id=creator_id, actor=actor, defaults={"follow_id": follow_id}
    )
    creator_actor = uris.creator_actor(creator_id)
    accept = {
        "@context": selectors.AS_CONTEXT,
        "id": f"{creator_actor}#accept-{uuid.uuid4().hex}",
        "type": "Accept",
        "actor": creator_actor,
        "object": {
            "id": follow_id,
            "type": "Follow",
            "actor": actor.uri,
            "object": creator_actor,
        },
    }
    # Accept goes to the follower's own inbox (the spec's rule; Mastodon reads either).
    deliver(activity=accept, inboxes=[actor.inbox], signer=f"creator:{creator_id}")
    return None


def _on_undo(actor: RemoteActor, activity: dict) -> str | None:
    inner = activity.get("object")
    inner_id = _id_of(inner)
    inner_type = inner.get("type") if isinstance(inner, dict) else None
    if inner_type in (None, "Follow"):
        follows = RemoteFollower.objects.filter(actor=actor)
        target = uris.local_creator_id(_id_of(inner.get("object"))) if inner_type else None
        if target is not None:
            follows = follows.filter(creator_id=target)
        elif inner_id:
            follows = follows.filter(follow_id=inner_id)
        else:
            return "ignored"
        follows.delete()
        if inner_type == "Follow":
            return "Undo Follow"
    if inner_type in (None, "Like", "Announce"):
        if not inner_id:
            return "ignored"
        reactions = RemoteReaction.objects.filter(actor=actor, activity_id=inner_id)
        if inner_type is None and not reactions.exists():
            return "Undo"
        reactions.delete()
        return f"Undo {inner_type or 'reaction'}"
    return "ignored"


def _on_reaction(actor: RemoteActor, activity: dict) -> str | None:
    article_id = uris.local_article_id(_id_of(activity.get("object")))
    if article_id is None or not Article.objects.public().filter(pk=article_id).exists():
        return "ignored"
    kind = RemoteReaction.Kind.LIKE if activity["type"] == "Like" else RemoteReaction.Kind.ANNOUNCE
    if len(_id_of(activity)) > URL_MAX:
        return "ignored"
    RemoteReaction.objects.update_or_create(
        article_id=article_id,
        actor=actor,
        kind=kind,
        defaults={"activity_id": _id_of(activity) or f"{actor.uri}#{kind}-{article_id}"},
    )
    return None


def _on_delete(actor: RemoteActor, activity: dict) -> str | None:
    target = _id_of(activity.get("object"))
    if target == actor.uri:
        # The account is gone: its follows, reactions, articles and our copy of it go too.
        actor.delete()
        return "Delete actor"
    deleted, _rows = RemoteObject.objects.filter(uri=target, actor=actor).delete()
    return "Delete" if deleted else "ignored"


def _following_for(actor: RemoteActor, activity: dict) -> RemoteFollowing | None:
    inner = activity.get("object")
    follow_id = _id_of(inner)
    following = RemoteFollowing.objects.filter(actor=actor, follow_id=follow_id).first()
    if following is None and isinstance(inner, dict):
        user_id = uris.local_user_id(_id_of(inner.get("actor")))
        if user_id is not None:
            following = RemoteFollowing.objects.filter(actor=actor, user_id=user_id).first()
    return following


def _on_accept(actor: RemoteActor, activity: dict) -> str | None:
    following = _following_for(actor, activity)
    if following is None:
        return "ignored"
    following.state = RemoteFollowing.State.ACCEPTED
    following.save(update_fields=["state"])
    return None


def _on_reject(actor: RemoteActor, activity: dict) -> str | None:
    following = _following_for(actor, activity)
    if following is None:
        return "ignored"
    following.delete()
    return None


def _date(value):
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _on_create_or_update(actor: RemoteActor, activity: dict) -> str | None:
    obj = activity.get("object")
    if not isinstance(obj, dict) or obj.get("type") not in OBJECT_TYPES:
        return "ignored"
    uri = _id_of(obj)
    if not uri or len(uri) > URL_MAX or not _same_origin(uri, actor.uri):
        return "ignored"
    if _id_of(obj.get("attributedTo")) != actor.uri:
        return "ignored"
    if not RemoteFollowing.objects.filter(
        actor=actor, state=RemoteFollowing.State.ACCEPTED
    ).exists():
        return "ignored"  # nobody here follows them: not ours to keep
    existing = RemoteObject.objects.filter(uri=uri).first()
    if existing is not None and existing.actor_id != actor.pk:
        return "ignored"
    content = obj.get("content") if isinstance(obj.get("content"), str) else ""
    RemoteObject.objects.update_or_create(
        uri=uri,
        defaults={
            "actor": actor,
            "type": obj["type"],
            "name": str(obj.get("name") or "")[:300],
            "summary": sanitize_body(str(obj.get("summary") or "")),
            "content": sanitize_body(content),
            "url": _link(obj.get("url")) or uri,
            "published": _date(obj.get("published")),
            "updated": _date(obj.get("updated")),
        },
    )
    return None


# --- following remote authors ---------------------------------------------------------------


@transaction.atomic
def remote_follow(*, user: User, handle: str) -> RemoteFollowing:
    """Follow ``@name@host`` as ``user``: WebFinger, the actor document, then a Follow
    delivered after the commit; pending until the Accept arrives."""
    actor = webfinger_lookup(handle)
    following = RemoteFollowing.objects.filter(user=user, actor=actor).first()
    if following is not None:
        return following
    user_actor = uris.user_actor(user.pk)
    following = RemoteFollowing.objects.create(
        user=user, actor=actor, follow_id=f"{user_actor}#follow-{uuid.uuid4().hex}"
    )
    user_key(user)  # the key the Follow is signed with, and the actor document shows
    deliver(
        activity={
            "@context": selectors.AS_CONTEXT,
            "id": following.follow_id,
            "type": "Follow",
            "actor": user_actor,
            "object": actor.uri,
        },
        inboxes=[actor.inbox],
        signer=f"user:{user.pk}",
    )
    return following


@transaction.atomic
def remote_unfollow(*, user: User, following_id: int) -> bool:
    following = (
        RemoteFollowing.objects.filter(user=user, pk=following_id).select_related("actor").first()
    )
    if following is None:
        return False
    user_actor = uris.user_actor(user.pk)
    deliver(
        activity={
            "@context": selectors.AS_CONTEXT,
            "id": f"{following.follow_id}#undo",
            "type": "Undo",
            "actor": user_actor,
            "object": {
                "id": following.follow_id,
                "type": "Follow",
                "actor": user_actor,
                "object": following.actor.uri,
            },
        },
        inboxes=[following.actor.inbox],
        signer=f"user:{user.pk}",
    )
    following.delete()
    return True


# --- our articles going out -----------------------------------------------------------------


def article_changed_listener(*, article_id: int) -> None:
    """articles.hooks.article_changed: after the commit, let the worker tell remote followers
    (Create, Update or Delete: ``article_federate`` decides when it runs)."""
    transaction.on_commit(lambda: _enqueue_federate(article_id))


def _enqueue_federate(article_id: int) -> None:
    from .tasks import federate_article_task

    try:
        federate_article_task.enqueue(article_id=article_id)
    except Exception:
        # The queue is the database: a publish must not fail over the fediverse.
        logger.exception("could not enqueue federation of article %s", article_id)


def article_federate(*, article_id: int) -> str:
    """Send what changed of one article to its creator's remote followers: Create the first
    time it is public, Update while it stays public, Delete when it stops being public (and
    was announced). Returns what was sent ("create", "update", "delete" or "")."""
    article = Article.objects.select_related("creator").filter(pk=article_id).first()
    if article is None:
        return ""
    entry = OutboxEntry.objects.filter(article_id=article_id).first()
    signer = f"creator:{article.creator_id}"
    if article.is_public:
        if entry is None:
            OutboxEntry.objects.create(article=article)
            activity, sent = selectors.create_activity(article), "create"
        else:
            entry.save(update_fields=["updated_at"])
            activity = selectors.create_activity(article)
            activity["type"] = "Update"
            activity["id"] = (
                f"{uris.article_object(article.pk)}#update-{timezone.now().timestamp():.0f}"
            )
            activity["published"] = timezone.now().isoformat()
            sent = "update"
    elif entry is not None:
        entry.delete()
        object_id = uris.article_object(article.pk)
        activity = {
            "@context": selectors.CONTEXT,
            "id": f"{object_id}#delete",
            "type": "Delete",
            "actor": uris.creator_actor(article.creator_id),
            "to": [selectors.PUBLIC],
            "cc": [uris.creator_followers(article.creator_id)],
            "object": {"id": object_id, "type": "Tombstone"},
        }
        sent = "delete"
    else:
        return ""
    inboxes = selectors.follower_inboxes(article.creator_id)
    deliver(activity=activity, inboxes=inboxes, signer=signer)
    return sent if inboxes else ""


# --- delivery -------------------------------------------------------------------------------


def deliver(*, activity: dict, inboxes, signer: str) -> int:
    """Queue one signed POST of ``activity`` per distinct inbox, after the commit."""
    targets = sorted({i for i in inboxes if i and not i.startswith(uris.base() + "/")})
    if not targets:
        return 0

    def enqueue():
        from .tasks import deliver_task

        for inbox in targets:
            try:
                deliver_task.enqueue(inbox=inbox, activity=activity, signer=signer, attempt=1)
            except Exception:
                logger.exception("could not enqueue a delivery to %s", inbox)

    transaction.on_commit(enqueue)
    return len(targets)


def _retry_delay(attempt: int) -> float:
    return min(
        settings.OPENHAO_FEDERATION_RETRY_BASE_SECONDS * 2 ** (attempt - 1),
        settings.OPENHAO_FEDERATION_RETRY_MAX_SECONDS,
    )


def post_activity(*, inbox: str, activity: dict, signer: str) -> None:
    """One signed POST; raises fetch.FetchError when it did not go through."""
    body = json.dumps(activity, ensure_ascii=False).encode()
    key_id, private_pem = _signer(signer)
    host, path = fetch.request_target(inbox)
    headers = signatures.sign(
        method="POST",
        url=inbox,
        host=host,
        path=path,
        body=body,
        key_id=key_id,
        private_pem=private_pem,
        style=settings.OPENHAO_FEDERATION_SIGN_WITH,
    )
    headers.pop("Host")  # the fetcher sets it, from the same URL
    headers["Content-Type"] = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    headers["Accept"] = "application/activity+json"
    fetch.post(inbox, body=body, headers=headers)


def _permanent(error: fetch.FetchError) -> bool:
    """A refusal that another try will not change: a blocked address, or a 4xx other than
    408 (timeout) and 429 (slow down)."""
    status = getattr(error, "status", None)
    if isinstance(error, fetch.BlockedAddress):
        return True
    return status is not None and 400 <= status < 500 and status not in (408, 429)


def delivery_attempt(*, inbox: str, activity: dict, signer: str, attempt: int, can_defer: bool):
    """Try a delivery; on failure schedule the next try (doubling delay) or, after the last
    one, keep a DeadLetter. Without a deferring backend (the immediate one in development)
    the tries run at once, at most three."""
    last = settings.OPENHAO_FEDERATION_DELIVERY_ATTEMPTS
    if not can_defer:
        last = min(last, attempt + 2)
    while True:
        try:
            post_activity(inbox=inbox, activity=activity, signer=signer)
            return True
        except fetch.FetchError as exc:
            error = exc.message
            permanent = _permanent(exc)
        except Exception as exc:  # a bug must not lose the activity silently either
            logger.exception("delivery to %s failed", inbox)
            error, permanent = repr(exc), False
        if permanent or attempt >= last:
            DeadLetter.objects.create(
                inbox=inbox,
                activity=activity,
                signer=signer,
                attempts=attempt,
                last_error=str(error)[:500],
            )
            logger.warning("delivery to %s given up after %d attempts: %s", inbox, attempt, error)
            return False
        if can_defer:
            from .tasks import deliver_task

            deliver_task.using(
                run_after=timezone.now() + timedelta(seconds=_retry_delay(attempt))
            ).enqueue(inbox=inbox, activity=activity, signer=signer, attempt=attempt + 1)
            return False
        attempt += 1


# --- 注销 -------------------------------------------------------------------------------------


@transaction.atomic
def account_federation_erase(*, user: User, creator: Creator | None) -> None:
    """privacy's 注销: the reader's follows of remote authors and the reader's key go (its actor
    answers 404 once the account is anonymised, so nothing could be signed with it anyway);
    a creator's remote followers go, as its local followers do. The creator's key stays: the
    profile stays (as 已注销作者), and so may its articles."""
    RemoteFollowing.objects.filter(user=user).delete()
    ActorKey.objects.filter(user=user).delete()
    if creator is not None:
        RemoteFollower.objects.filter(creator=creator).delete()
