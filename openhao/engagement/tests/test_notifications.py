"""通知 through the Tasks API: publish to followers, replies, batched up-votes; the unread badge
in the personal fragment and the page that marks them read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.services import article_publish
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import selectors, services, tasks
from openhao.engagement.models import Follow, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (tasks are enqueued after commit) inside the test transaction."""

    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def test_publishing_notifies_every_follower_once(run_on_commit):
    creator = CreatorFactory()
    followers = UserFactory.create_batch(5)
    Follow.objects.bulk_create(Follow(user=u, creator=creator) for u in followers)
    article = ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    run_on_commit(article_publish, article=article)
    assert Notification.objects.filter(kind="article", article=article).count() == 5
    # A retried task adds nothing.
    tasks.notify_followers_task.enqueue(article.pk)
    assert Notification.objects.filter(kind="article", article=article).count() == 5


def test_follower_notifications_are_batched(monkeypatch):
    monkeypatch.setattr(services, "NOTIFY_BATCH", 2)
    creator = CreatorFactory()
    Follow.objects.bulk_create(Follow(user=u, creator=creator) for u in UserFactory.create_batch(5))
    article = ArticleFactory(creator=creator)
    assert services.notifications_for_article(article_id=article.pk) == 5
    assert Notification.objects.count() == 5


def test_publishing_enqueues_a_task_rather_than_notifying_inline(run_on_commit, settings):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    creator = CreatorFactory()
    Follow.objects.create(user=UserFactory(), creator=creator)
    article = ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    run_on_commit(article_publish, article=article)
    enqueued = [(r.task.name, r.args) for r in default_task_backend.results]
    # Publishing also enqueues the discovery update (keywords, related, search).
    assert [e for e in enqueued if e[0].startswith("notify")] == [
        ("notify_followers_task", [article.pk])
    ]
    assert not Notification.objects.exists()


def test_a_reply_notifies_the_parent_author_but_not_yourself(run_on_commit):
    article = ArticleFactory()
    alice, bob = UserFactory(), UserFactory()
    top = run_on_commit(services.comment_create, user=alice, article=article, body="楼主")
    reply = run_on_commit(
        services.comment_create, user=bob, article=article, body="回复楼主", parent=top
    )
    run_on_commit(services.comment_create, user=alice, article=article, body="自答", parent=top)
    notes = list(Notification.objects.all())
    assert [(n.user_id, n.kind, n.actor_id, n.comment_id) for n in notes] == [
        (alice.pk, "reply", bob.pk, reply.pk)
    ]


def test_up_votes_are_batched_into_one_unread_notification(run_on_commit, client):
    author = UserFactory()
    comment = services.comment_create(user=author, article=ArticleFactory(), body="好文")
    for _ in range(3):
        run_on_commit(services.comment_vote, user=UserFactory(), comment=comment)
    note = Notification.objects.get(kind="vote")
    assert (note.user_id, note.count) == (author.pk, 3)
    client.force_login(author)
    assert "被顶了 3 次" in client.get(reverse("engagement:notifications")).content.decode()
    run_on_commit(services.comment_vote, user=UserFactory(), comment=comment)
    assert Notification.objects.filter(kind="vote").count() == 2  # a new one after reading


def test_badge_and_page_mark_read(run_on_commit, client, django_assert_max_num_queries):
    article = ArticleFactory()
    alice = UserFactory()
    top = services.comment_create(user=alice, article=article, body="楼主")
    for i in range(3):
        run_on_commit(
            services.comment_create, user=UserFactory(), article=article, body=f"回{i}", parent=top
        )
    client.force_login(alice)
    fragment = client.get(reverse("personal"), HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="badge-unread">3</span>' in fragment
    with django_assert_max_num_queries(6):
        page = client.get(reverse("engagement:notifications"))
    html = page.content.decode()
    assert html.count("is-unread") == 3 and "回复了你的跟贴" in html
    assert selectors.notification_unread_count(user=alice) == 0
    fragment = client.get(reverse("personal"), HTTP_HX_REQUEST="true").content.decode()
    assert "badge-unread" not in fragment


def test_notifications_page_requires_sign_in(client):
    assert client.get(reverse("engagement:notifications")).status_code == 302


@pytest.mark.parametrize(
    ("action", "url_name"),
    [("vote", "engagement:comment-vote"), ("follow", "engagement:follow")],
)
def test_votes_and_follows_are_rate_limited(client, settings, action, url_name):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, action: "1/m/user"}
    client.force_login(UserFactory())
    article = ArticleFactory()
    if action == "vote":
        targets = [
            services.comment_create(user=UserFactory(), article=article, body=f"{i}").pk
            for i in range(2)
        ]
    else:
        targets = [CreatorFactory().pk, CreatorFactory().pk]
    assert client.post(reverse(url_name, args=[targets[0]])).status_code == 302
    response = client.post(reverse(url_name, args=[targets[1]]))
    assert response.status_code == 429 and "过于频繁" in response.content.decode()


def test_rate_limits_apply_per_address_too(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "follow": "100/m/user,2/m/ip"}
    creators = CreatorFactory.create_batch(3)
    for i, creator in enumerate(creators):
        client.force_login(UserFactory())  # a new user each time, same address
        response = client.post(reverse("engagement:follow", args=[creator.pk]))
        assert response.status_code == (429 if i == 2 else 302)
