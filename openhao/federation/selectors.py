"""Reads: our actors, articles and collections as ActivityStreams 2.0 JSON, and what remote
servers sent us. Only public articles (``Article.objects.public()``) and public profile fields
ever appear; no e-mail, no login name, no private key."""

from __future__ import annotations

import re
from math import ceil

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404

from openhao.accounts.models import User
from openhao.articles.models import Article
from openhao.articles.share import article_url
from openhao.creators.models import Creator

from . import uris
from .models import ActorKey, RemoteFollower, RemoteFollowing, RemoteObject, RemoteReaction

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = [AS_CONTEXT, SECURITY_CONTEXT]
ACTIVITY_JSON = "application/activity+json"


def creator_get(pk: int) -> Creator:
    try:
        return Creator.objects.get(pk=pk)
    except Creator.DoesNotExist:
        raise Http404("creator not found") from None


def user_get(pk: int) -> User:
    try:
        return User.objects.get(pk=pk, is_active=True)
    except User.DoesNotExist:
        raise Http404("user not found") from None


def public_article_get(pk: int) -> Article:
    try:
        return (
            Article.objects.public().select_related("creator").prefetch_related("topics").get(pk=pk)
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None


def webfinger(resource: str) -> dict | None:
    """The JRD for ``acct:name@host`` (or an actor URL of ours), or None when it is not ours."""
    name = None
    if resource.startswith("acct:"):
        user, _sep, host = resource[5:].lstrip("@").rpartition("@")
        if host.lower() == uris.host().lower():
            name = user
    else:
        creator_id = uris.local_creator_id(resource)
        if creator_id is not None:
            name = uris.creator_username(creator_id)
    if (name or "").lower() == uris.INSTANCE_USERNAME:
        actor = uris.instance_actor()
        return {
            "subject": f"acct:{uris.INSTANCE_USERNAME}@{uris.host()}",
            "aliases": [actor],
            "links": [{"rel": "self", "type": ACTIVITY_JSON, "href": actor}],
        }
    parsed = uris.parse_username(name or "")
    if parsed is None:
        return None
    kind, pk = parsed
    if kind == "creator":
        if not Creator.objects.filter(pk=pk).exists():
            return None
        actor, profile = uris.creator_actor(pk), uris.absolute(f"/creator/{pk}/")
    else:
        if not User.objects.filter(pk=pk, is_active=True).exists():
            return None
        actor, profile = uris.user_actor(pk), actor_placeholder(pk)
    return {
        "subject": f"acct:{name.lower()}@{uris.host()}",
        "aliases": [actor, profile],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
        ],
    }


def actor_placeholder(user_id: int) -> str:
    # A reader has no public page of its own; the actor document is its only profile.
    return uris.user_actor(user_id)


def _public_key(owner: str, key: ActorKey) -> dict:
    return {"id": uris.key_id(owner), "owner": owner, "publicKeyPem": key.public_key_pem}


def _absolute_media(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else uris.absolute(url)


def creator_actor_document(creator: Creator, key: ActorKey) -> dict:
    actor = uris.creator_actor(creator.pk)
    document = {
        "@context": CONTEXT,
        "id": actor,
        "type": "Person",
        "preferredUsername": uris.creator_username(creator.pk),
        "name": creator.display_name,
        "summary": creator.motto if not creator.bio else f"{creator.motto}\n{creator.bio}".strip(),
        "url": uris.absolute(creator.get_absolute_url()),
        "inbox": uris.creator_inbox(creator.pk),
        "outbox": uris.creator_outbox(creator.pk),
        "followers": uris.creator_followers(creator.pk),
        "endpoints": {"sharedInbox": uris.shared_inbox()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "published": creator.created_at.isoformat(),
        "publicKey": _public_key(actor, key),
    }
    if creator.avatar:
        document["icon"] = {"type": "Image", "url": _absolute_media(creator.avatar.url)}
    return document


def instance_actor_document(key: ActorKey) -> dict:
    """The site itself, as the actor that signs our fetches (Mastodon's instance actor is an
    ``Application`` the same way)."""
    actor = uris.instance_actor()
    return {
        "@context": CONTEXT,
        "id": actor,
        "type": "Application",
        "preferredUsername": uris.INSTANCE_USERNAME,
        "name": settings.OPENHAO_SITE_NAME,
        "url": uris.base() + "/",
        "inbox": uris.shared_inbox(),
        "outbox": actor + "/outbox",
        "endpoints": {"sharedInbox": uris.shared_inbox()},
        "manuallyApprovesFollowers": True,
        "publicKey": _public_key(actor, key),
    }


def user_actor_document(user: User, key: ActorKey) -> dict:
    """A reader, as the actor that follows remote authors: a name and a key, nothing more."""
    actor = uris.user_actor(user.pk)
    return {
        "@context": CONTEXT,
        "id": actor,
        "type": "Person",
        "preferredUsername": uris.user_username(user.pk),
        "name": user.nickname or uris.user_username(user.pk),
        "summary": "",
        "url": actor,
        "inbox": uris.user_inbox(user.pk),
        "outbox": uris.user_outbox(user.pk),
        "endpoints": {"sharedInbox": uris.shared_inbox()},
        "manuallyApprovesFollowers": False,
        "discoverable": False,
        "publicKey": _public_key(actor, key),
    }


_RELATIVE = re.compile(r'(\s(?:src|href))="/(?!/)')


def article_content(article: Article) -> str:
    """The stored (sanitised, see articles.sanitize) body with our links made absolute."""
    return _RELATIVE.sub(rf'\1="{uris.base()}/', article.body_html)


def article_document(article: Article, *, context: bool = True) -> dict:
    """The ActivityStreams ``Article`` of a public article."""
    actor = uris.creator_actor(article.creator_id)
    document = {
        "id": uris.article_object(article.pk),
        "type": "Article",
        "url": article_url(article),
        "name": article.title,
        "summary": article.summary,
        "content": article_content(article),
        "mediaType": "text/html",
        "published": article.published_at.isoformat(),
        "updated": (article.edited_at or article.published_at).isoformat(),
        "attributedTo": actor,
        "to": [PUBLIC],
        "cc": [uris.creator_followers(article.creator_id)],
        "tag": [
            {
                "type": "Hashtag",
                "name": f"#{topic.name}",
                "href": uris.absolute(topic.get_absolute_url()),
            }
            for topic in article.topics.all()
        ],
        "attachment": [],
    }
    if article.cover:
        document["attachment"].append(
            {
                "type": "Image",
                "url": _absolute_media(article.cover.url),
                "name": article.cover_alt or article.title,
            }
        )
    if context:
        document = {"@context": CONTEXT, **document}
    return document


def create_activity(article: Article, *, context: bool = True) -> dict:
    activity = {
        "id": f"{uris.article_object(article.pk)}#create",
        "type": "Create",
        "actor": uris.creator_actor(article.creator_id),
        "published": article.published_at.isoformat(),
        "to": [PUBLIC],
        "cc": [uris.creator_followers(article.creator_id)],
        "object": article_document(article, context=False),
    }
    return {"@context": CONTEXT, **activity} if context else activity


def _outbox_articles(creator: Creator) -> QuerySet[Article]:
    # article_creator_pub_idx
    return (
        Article.objects.public()
        .filter(creator=creator)
        .prefetch_related("topics")
        .order_by("-published_at", "-id")
    )


def outbox(creator: Creator, page: int | None) -> dict:
    """The creator's outbox: the collection (counts and first/last pages), or one page of its
    Create activities, newest first."""
    outbox_uri = uris.creator_outbox(creator.pk)
    articles = _outbox_articles(creator)
    total = articles.count()
    size = settings.OPENHAO_FEDERATION_OUTBOX_PAGE_SIZE
    pages = max(1, ceil(total / size))
    if page is None:
        return {
            "@context": AS_CONTEXT,
            "id": outbox_uri,
            "type": "OrderedCollection",
            "totalItems": total,
            "first": f"{outbox_uri}?page=1",
            "last": f"{outbox_uri}?page={pages}",
        }
    if page < 1 or page > pages:
        raise Http404("no such page")
    items = list(articles[(page - 1) * size : page * size])
    document = {
        "@context": AS_CONTEXT,
        "id": f"{outbox_uri}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": outbox_uri,
        "totalItems": total,
        "orderedItems": [create_activity(a, context=False) for a in items],
    }
    if page > 1:
        document["prev"] = f"{outbox_uri}?page={page - 1}"
    if page < pages:
        document["next"] = f"{outbox_uri}?page={page + 1}"
    return document


def followers(creator: Creator) -> dict:
    """The followers collection: how many (local 关注 and fediverse), never who. Which
    readers follow whom is theirs to tell; Mastodon hides it the same way by default."""
    remote = RemoteFollower.objects.filter(creator=creator).count()
    return {
        "@context": AS_CONTEXT,
        "id": uris.creator_followers(creator.pk),
        "type": "OrderedCollection",
        "totalItems": creator.follower_count + remote,
    }


def empty_outbox(user: User) -> dict:
    return {
        "@context": AS_CONTEXT,
        "id": uris.user_outbox(user.pk),
        "type": "OrderedCollection",
        "totalItems": 0,
        "orderedItems": [],
    }


def follower_inboxes(creator_id: int) -> list[str]:
    """Where a creator's activities go: each remote follower's shared inbox (else its own),
    once each."""
    rows = RemoteFollower.objects.filter(creator_id=creator_id).select_related("actor")
    return sorted({row.actor.delivery_inbox for row in rows})


def remote_reaction_counts(article_id: int) -> dict[str, int]:
    """联邦宇宙 点赞/转发 of one article."""
    counts = dict.fromkeys(RemoteReaction.Kind.values, 0)
    rows = (
        RemoteReaction.objects.filter(article_id=article_id).values("kind").annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["kind"]] = row["n"]
    return counts


def user_following(user: User) -> list[RemoteFollowing]:
    return list(
        RemoteFollowing.objects.filter(user=user).select_related("actor").order_by("-created_at")
    )


def user_remote_articles(user: User, *, limit: int = 50) -> list[RemoteObject]:
    """The latest articles of the remote authors ``user`` follows (accepted follows only)."""
    actor_ids = RemoteFollowing.objects.filter(
        user=user, state=RemoteFollowing.State.ACCEPTED
    ).values("actor_id")
    return list(
        RemoteObject.objects.filter(actor_id__in=actor_ids)
        .select_related("actor")
        .order_by("-published", "-id")[:limit]
    )
