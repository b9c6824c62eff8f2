"""Our articles going out: publish, edit and removal reach remote followers' shared inboxes
(once per inbox), signed, from the task worker; failures are retried with a doubling delay and
end as a DeadLetter."""

import pytest
from django.db import transaction

from openhao.articles import services as article_services
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.common import fetch
from openhao.creators.tests.factories import CreatorFactory
from openhao.federation import services, signatures, uris
from openhao.federation.models import DeadLetter, RemoteActor, RemoteFollower

from .remote import RemoteServer
from .vocabulary import check_activity

pytestmark = pytest.mark.django_db


def _follower(creator, name, shared="https://remote.example/inbox"):
    actor = RemoteActor.objects.create(
        uri=f"https://remote.example/users/{name}",
        inbox=f"https://remote.example/users/{name}/inbox",
        shared_inbox=shared,
        domain="remote.example",
        fetched_at="2026-01-01T00:00:00Z",
    )
    return RemoteFollower.objects.create(creator=creator, actor=actor, follow_id=f"{actor.uri}#f")


@pytest.fixture
def remote(monkeypatch):
    return RemoteServer().install(monkeypatch)


def test_publish_edit_remove_send_create_update_delete_once_per_inbox(
    remote, django_capture_on_commit_callbacks
):
    creator = CreatorFactory(approved_article_count=100)  # past 先审后发: edits go out at once
    _follower(creator, "a")
    _follower(creator, "b")  # same server: one delivery
    _follower(creator, "c", shared="")  # no shared inbox: its own
    article = ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        article_services.article_publish(article=article)
    inboxes = sorted(url for url, _a, _h in remote.posts)
    assert inboxes == ["https://remote.example/inbox", "https://remote.example/users/c/inbox"]
    create = remote.posts[0][1]
    assert create["type"] == "Create"
    check_activity(create, embedded=False)
    assert create["object"]["id"] == uris.article_object(article.pk)
    assert "Signature" in remote.posts[0][2] and "Digest" in remote.posts[0][2]

    remote.posts.clear()
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        article_services.article_update(
            article=article, channel=article.channel, title="改过的标题", body_html="<p>新正文</p>"
        )
    assert {a["type"] for _u, a, _h in remote.posts} == {"Update"}
    assert remote.posts[0][1]["object"]["name"] == "改过的标题"

    remote.posts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article_services.article_remove(article=article)
    assert {a["type"] for _u, a, _h in remote.posts} == {"Delete"}
    assert remote.posts[0][1]["object"] == {
        "id": uris.article_object(article.pk),
        "type": "Tombstone",
    }


def test_nothing_goes_out_for_an_article_never_announced(
    remote, django_capture_on_commit_callbacks
):
    creator = CreatorFactory()
    _follower(creator, "a")
    article = ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        article_services.article_remove(article=article)
    assert remote.posts == []


def test_a_queueing_backend_gets_the_work_after_the_commit_not_in_the_request(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    creator = CreatorFactory()
    _follower(creator, "a")
    article = ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        article_services.article_publish(article=article)
        assert default_task_backend.results == []
    [result] = [r for r in default_task_backend.results if r.task.name.startswith("federate")]
    assert result.task.name == "federate_article_task"
    assert result.kwargs == {"article_id": article.pk}


def _failing_post(monkeypatch, status=None):
    calls = []

    def post(url, *, body, headers=None, max_bytes=0):
        calls.append(url)
        error = fetch.FetchError("对方网站返回错误")
        if status:
            error.status = status
        raise error

    monkeypatch.setattr(fetch, "post", post)
    return calls


def test_retries_back_off_and_end_in_a_dead_letter(settings, monkeypatch):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.OPENHAO_FEDERATION_DELIVERY_ATTEMPTS = 3
    settings.OPENHAO_FEDERATION_RETRY_BASE_SECONDS = 10
    calls = _failing_post(monkeypatch, status=503)
    creator = CreatorFactory()
    args = {"inbox": "https://remote.example/inbox", "activity": {"type": "Create"},
            "signer": f"creator:{creator.pk}"}  # fmt: skip
    assert not services.delivery_attempt(**args, attempt=1, can_defer=True)
    [retry] = default_task_backend.results
    assert retry.kwargs["attempt"] == 2
    delay = (retry.task.run_after - retry.enqueued_at).total_seconds()
    assert 9 <= delay <= 11
    services.delivery_attempt(**args, attempt=2, can_defer=True)
    second = default_task_backend.results[-1]
    assert 19 <= (second.task.run_after - second.enqueued_at).total_seconds() <= 21
    assert not DeadLetter.objects.exists()
    services.delivery_attempt(**args, attempt=3, can_defer=True)
    letter = DeadLetter.objects.get()
    assert (letter.inbox, letter.attempts, letter.activity) == (
        args["inbox"],
        3,
        {"type": "Create"},
    )
    assert len(calls) == 3


def test_a_4xx_refusal_is_not_retried(monkeypatch, settings):
    _failing_post(monkeypatch, status=410)
    creator = CreatorFactory()
    services.delivery_attempt(
        inbox="https://remote.example/inbox", activity={"type": "Create"},
        signer=f"creator:{creator.pk}", attempt=1, can_defer=True,
    )  # fmt: skip
    assert DeadLetter.objects.get().attempts == 1


def test_the_immediate_backend_tries_a_few_times_at_once(monkeypatch):
    calls = _failing_post(monkeypatch)
    creator = CreatorFactory()
    services.delivery_attempt(
        inbox="https://remote.example/inbox", activity={"type": "Create"},
        signer=f"creator:{creator.pk}", attempt=1, can_defer=False,
    )  # fmt: skip
    assert len(calls) == 3
    assert DeadLetter.objects.get().attempts == 3


@pytest.mark.parametrize("style", [signatures.CAVAGE, signatures.RFC9421])
def test_deliveries_are_signed_in_the_configured_format(settings, monkeypatch, style):
    settings.OPENHAO_FEDERATION_SIGN_WITH = style
    sent = []
    monkeypatch.setattr(
        fetch, "post", lambda url, *, body, headers, **kw: sent.append((body, headers))
    )
    creator = CreatorFactory()
    services.post_activity(inbox="https://remote.example/inbox", activity={"type": "Create"},
                           signer=f"creator:{creator.pk}")  # fmt: skip
    body, headers = sent[0]
    key = services.creator_key(creator)
    verified = signatures.verify(
        method="POST", url="https://remote.example/inbox", path="/inbox",
        headers={**headers, "Host": "remote.example"}, body=body,
        public_key=lambda kid: key.public_key_pem, window_seconds=60,
    )  # fmt: skip
    assert verified.style == style
    assert verified.key_id == uris.key_id(uris.creator_actor(creator.pk))


def test_the_fetcher_refuses_private_addresses_for_deliveries_too():
    with pytest.raises(fetch.BlockedAddress):
        fetch.post("http://127.0.0.1:9/inbox", body=b"{}")
    with pytest.raises(fetch.BlockedAddress):
        fetch.post("http://169.254.169.254/inbox", body=b"{}")
