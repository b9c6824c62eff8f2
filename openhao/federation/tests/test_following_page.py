"""关注的联邦宇宙作者 (/me/fediverse/): a signed-in reader follows by handle; nothing is sent
to the other server inside the request when a worker backend is configured."""

import json

import pytest

from openhao.creators.tests.factories import UserFactory
from openhao.federation.models import RemoteFollowing

from .remote import REMOTE, RemoteServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def remote(monkeypatch):
    server = RemoteServer().install(monkeypatch)
    webfinger = f"{REMOTE}/.well-known/webfinger?resource=acct%3Aalice%40remote.example"
    server.documents[webfinger] = {
        "subject": "acct:alice@remote.example",
        "links": [{"rel": "self", "type": "application/activity+json", "href": server.actor}],
    }
    return server


def test_signed_out_readers_are_sent_to_sign_in(client):
    response = client.get("/me/fediverse/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_follow_by_handle_queues_the_follow_for_the_worker(
    client, remote, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/me/fediverse/", {"action": "follow", "handle": "@alice@remote.example"}
        )
    assert response.status_code == 302
    following = RemoteFollowing.objects.get()
    assert following.state == RemoteFollowing.State.PENDING
    assert remote.posts == []  # not sent in the request
    [task] = [r for r in default_task_backend.results if r.task.name == "deliver_task"]
    assert task.kwargs["inbox"] == f"{remote.actor}/inbox"
    assert task.kwargs["activity"]["type"] == "Follow"
    assert task.kwargs["activity"]["object"] == remote.actor
    page = client.get("/me/fediverse/").content.decode()
    assert "@alice@remote.example" in page and "等待对方确认" in page
    assert (
        json.loads(client.get(f"/ap/users/{user.pk}").content)["preferredUsername"] == f"u{user.pk}"
    )


def test_an_unknown_handle_is_a_message_not_an_error(client, remote):
    client.force_login(UserFactory())
    response = client.post("/me/fediverse/", {"action": "follow", "handle": "bob@nowhere.example"},
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    assert not RemoteFollowing.objects.exists()
    assert "404" in response.content.decode() or "没有找到" in response.content.decode()


def test_a_bad_handle_is_refused(client, remote):
    client.force_login(UserFactory())
    response = client.post(
        "/me/fediverse/", {"action": "follow", "handle": "not a handle"}, follow=True
    )
    assert "@用户名@域名" in response.content.decode()
