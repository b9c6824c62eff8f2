"""The inbox: signatures (both formats), the Date window, replays, forged signatures, and what
each activity does."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.federation import selectors, signatures, uris
from openhao.federation.models import RemoteActor, RemoteFollower, RemoteReaction

from .remote import RemoteServer

pytestmark = pytest.mark.django_db
STYLES = [signatures.CAVAGE, signatures.RFC9421]


@pytest.fixture(params=STYLES)
def remote(request, monkeypatch):
    return RemoteServer(style=request.param).install(monkeypatch)


def _follow(remote, creator, n=1):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote.actor}#follows/{n}",
        "type": "Follow",
        "actor": remote.actor,
        "object": uris.creator_actor(creator.pk),
    }


def test_follow_is_stored_and_accepted_by_delivery(
    client, remote, django_capture_on_commit_callbacks
):
    creator = CreatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = remote.send(client, f"/ap/creators/{creator.pk}/inbox", _follow(remote, creator))
    assert response.status_code == 202, response.content
    follower = RemoteFollower.objects.get()
    assert follower.creator == creator
    assert follower.actor.uri == remote.actor
    assert follower.actor.shared_inbox == "https://remote.example/inbox"
    [(inbox, accept, headers)] = remote.posts
    assert inbox == f"{remote.actor}/inbox"
    assert accept["type"] == "Accept"
    assert accept["actor"] == uris.creator_actor(creator.pk)
    assert accept["object"]["id"] == f"{remote.actor}#follows/1"
    assert "Signature" in headers
    # Deliveries go to shared inboxes, once each.
    assert selectors.follower_inboxes(creator.pk) == ["https://remote.example/inbox"]


def test_undo_follow_removes_it(client, remote):
    creator = CreatorFactory()
    remote.send(client, "/ap/inbox", _follow(remote, creator))
    undo = {
        "id": f"{remote.actor}#undo/1",
        "type": "Undo",
        "actor": remote.actor,
        "object": _follow(remote, creator),
    }
    assert remote.send(client, "/ap/inbox", undo).status_code == 202
    assert not RemoteFollower.objects.exists()


def test_like_and_announce_are_counted_apart_from_local_engagement(client, remote):
    article = ArticleFactory(like_count=3, share_count=1)
    obj = uris.article_object(article.pk)
    for kind in ("Like", "Announce"):
        activity = {
            "id": f"{remote.actor}#{kind}",
            "type": kind,
            "actor": remote.actor,
            "object": obj,
        }
        assert remote.send(client, "/ap/inbox", activity).status_code == 202
    # The same Like again (a re-delivery) counts once.
    again = {"id": f"{remote.actor}#Like", "type": "Like", "actor": remote.actor, "object": obj}
    remote.send(client, "/ap/inbox", again)
    assert selectors.remote_reaction_counts(article.pk) == {"like": 1, "announce": 1}
    article.refresh_from_db()
    assert (article.like_count, article.share_count) == (3, 1)
    undo = {
        "id": f"{remote.actor}#undo-like",
        "type": "Undo",
        "actor": remote.actor,
        "object": {
            "id": f"{remote.actor}#Like",
            "type": "Like",
            "actor": remote.actor,
            "object": obj,
        },
    }
    remote.send(client, "/ap/inbox", undo)
    assert selectors.remote_reaction_counts(article.pk) == {"like": 0, "announce": 1}


def test_delete_of_the_actor_drops_its_follows_and_reactions(client, remote):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator)
    remote.send(client, "/ap/inbox", _follow(remote, creator))
    like = {"id": f"{remote.actor}#l", "type": "Like", "actor": remote.actor,
            "object": uris.article_object(article.pk)}  # fmt: skip
    remote.send(client, "/ap/inbox", like)
    delete = {"id": f"{remote.actor}#delete", "type": "Delete", "actor": remote.actor,
              "object": remote.actor}  # fmt: skip
    assert remote.send(client, "/ap/inbox", delete).status_code == 202
    assert not RemoteFollower.objects.exists()
    assert not RemoteReaction.objects.exists()
    assert not RemoteActor.objects.exists()


def test_a_forged_signature_is_401(client, remote):
    creator = CreatorFactory()
    other_pem = signatures.new_key_pair()[1]
    response = remote.send(client, "/ap/inbox", _follow(remote, creator), private_pem=other_pem)
    assert response.status_code == 401
    assert not RemoteFollower.objects.exists()


def test_a_changed_body_is_401(client, remote):
    creator = CreatorFactory()
    body = json.dumps(_follow(remote, creator)).encode()
    headers = remote.signed_headers("/ap/inbox", body)
    tampered = body.replace(b"follows/1", b"follows/2")
    response = client.post("/ap/inbox", data=tampered, content_type="application/activity+json",
                           headers=headers)  # fmt: skip
    assert response.status_code == 401


def test_an_unsigned_request_is_401(client, remote):
    creator = CreatorFactory()
    response = client.post("/ap/inbox", data=json.dumps(_follow(remote, creator)),
                           content_type="application/activity+json")  # fmt: skip
    assert response.status_code == 401


@pytest.mark.parametrize("minutes", [-30, 30])
def test_a_date_outside_the_window_is_401(client, remote, minutes):
    creator = CreatorFactory()
    then = datetime.now(UTC) + timedelta(minutes=minutes)
    response = remote.send(client, "/ap/inbox", _follow(remote, creator), now=then)
    assert response.status_code == 401


def test_a_replayed_request_is_401(client, remote):
    creator = CreatorFactory()
    body = json.dumps(_follow(remote, creator)).encode()
    headers = remote.signed_headers("/ap/inbox", body)
    post = lambda: client.post(  # noqa: E731
        "/ap/inbox", data=body, content_type="application/activity+json", headers=headers
    )
    assert post().status_code == 202
    assert post().status_code == 401


def test_the_actor_must_be_the_signer(client, remote, monkeypatch):
    creator = CreatorFactory()
    mallory = RemoteServer(name="mallory", documents=remote.documents)
    activity = _follow(remote, creator)  # claims to be alice, signed by mallory
    response = mallory.send(client, "/ap/inbox", activity)
    assert response.status_code == 403


def test_a_rotated_key_is_fetched_again(client, remote):
    creator = CreatorFactory()
    remote.send(client, "/ap/inbox", _follow(remote, creator, 1))
    remote.public_pem, remote.private_pem = signatures.new_key_pair()
    remote.documents[remote.actor] = remote.actor_document()
    assert remote.send(client, "/ap/inbox", _follow(remote, creator, 2)).status_code == 202
    assert RemoteActor.objects.get().public_key_pem == remote.public_pem


def test_bad_json_is_400(client, remote):
    response = client.post("/ap/inbox", data=b"{nope", content_type="application/activity+json")
    assert response.status_code == 400


def test_fetches_of_remote_actors_are_signed_by_the_instance_actor(client, remote, settings):
    """Servers in Mastodon's authorized-fetch mode answer only signed GETs."""
    from openhao.federation import services

    creator = CreatorFactory()
    remote.send(client, "/ap/inbox", _follow(remote, creator))
    [(url, headers)] = remote.fetched
    assert url == remote.actor
    key = services.instance_key()
    verified = signatures.verify(
        method="GET", url=url, path="/users/alice", headers={**headers, "Host": "remote.example"},
        body=b"", public_key=lambda kid: key.public_key_pem, window_seconds=60,
    )  # fmt: skip
    assert verified.key_id == uris.key_id(uris.instance_actor())
    instance = json.loads(client.get("/ap/actor").content)
    assert instance["type"] == "Application"
    assert instance["publicKey"]["publicKeyPem"] == key.public_key_pem
    jrd = json.loads(
        client.get(f"/.well-known/webfinger?resource=acct:instance@{uris.host()}").content
    )
    assert jrd["links"][0]["href"] == uris.instance_actor()


def test_the_delete_of_an_unknown_account_is_accepted_without_a_lookup(client, remote):
    delete = {"id": f"{remote.actor}#delete", "type": "Delete", "actor": remote.actor,
              "object": remote.actor}  # fmt: skip
    response = client.post(
        "/ap/inbox", data=json.dumps(delete), content_type="application/activity+json"
    )
    assert response.status_code == 202
    assert remote.fetched == []


@pytest.mark.parametrize("path", ["/ap/inbox", "CREATOR"])
def test_a_form_body_is_refused_not_a_500(client, path):
    """Found by the fuzz test: a form post reached the inbox after the site's NUL check had read
    the body as a form, and reading it again raised. An inbox takes JSON only."""
    if path == "CREATOR":
        path = f"/ap/creators/{CreatorFactory().pk}/inbox"
    response = client.post(path, {"x": "2346"}, headers={"HX-Request": "true"})
    assert response.status_code == 415
