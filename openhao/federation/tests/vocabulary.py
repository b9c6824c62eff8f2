"""The ActivityStreams 2.0 / ActivityPub properties our documents must have, written out from
the W3C vocabulary (https://www.w3.org/TR/activitystreams-vocabulary/) and ActivityPub §4.1
(actors) — the properties a receiving server needs, with their types."""

from __future__ import annotations

AS = "https://www.w3.org/ns/activitystreams"
ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}
ACTIVITY_TYPES = {"Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Like",
                  "Announce"}  # fmt: skip
OBJECT_TYPES = {"Article", "Note", "Image", "Tombstone", "Hashtag"}


def _uri(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def check_context(doc: dict) -> None:
    context = doc.get("@context")
    contexts = context if isinstance(context, list) else [context]
    assert AS in contexts, f"@context lacks {AS}: {context}"


def check_actor(doc: dict) -> None:
    check_context(doc)
    assert doc["type"] in ACTOR_TYPES
    for name in ("id", "inbox", "outbox", "followers"):
        assert _uri(doc[name]), name
    assert isinstance(doc["preferredUsername"], str) and doc["preferredUsername"].isascii()
    key = doc["publicKey"]
    assert _uri(key["id"]) and key["owner"] == doc["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert _uri(doc["endpoints"]["sharedInbox"])
    if "icon" in doc:
        assert doc["icon"]["type"] == "Image" and _uri(doc["icon"]["url"])


def check_object(doc: dict, *, embedded: bool = False) -> None:
    if not embedded:
        check_context(doc)
    assert doc["type"] in OBJECT_TYPES
    assert _uri(doc["id"])
    if doc["type"] == "Tombstone":
        return
    assert _uri(doc["attributedTo"]) and _uri(doc["url"])
    for name in ("name", "content", "published", "updated"):
        assert isinstance(doc[name], str) and doc[name], name
    assert f"{AS}#Public" in doc["to"]
    for tag in doc.get("tag", []):
        assert tag["type"] == "Hashtag" and tag["name"].startswith("#") and _uri(tag["href"])
    for attachment in doc.get("attachment", []):
        assert attachment["type"] == "Image" and _uri(attachment["url"])


def check_activity(doc: dict, *, embedded: bool = True) -> None:
    if not embedded:
        check_context(doc)
    assert doc["type"] in ACTIVITY_TYPES
    assert _uri(doc["id"]) and _uri(doc["actor"])
    obj = doc["object"]
    if isinstance(obj, dict):
        if obj.get("type") in ACTIVITY_TYPES:
            check_activity(obj)
        else:
            check_object(obj, embedded=True)
    else:
        assert _uri(obj)


def check_collection(doc: dict, *, ordered: bool) -> None:
    check_context(doc)
    assert doc["type"] == ("OrderedCollection" if ordered else "Collection")
    assert _uri(doc["id"])
    assert isinstance(doc["totalItems"], int) and doc["totalItems"] >= 0
