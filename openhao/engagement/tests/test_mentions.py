"""@mentions in comments notify the named readers (once, not the writer, at most a few per
comment) and are rate limited. Comment sorting (最热/最新): test_comment_sort_and_pins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import services
from openhao.engagement.models import Notification
from openhao.engagement.text import mentioned_names

pytestmark = pytest.mark.django_db


def test_mentioned_names():
    assert mentioned_names("@alice 你好，@bob。还有@alice") == ["alice", "bob"]
    assert mentioned_names("写信到 me@example.com") == []
    assert mentioned_names("没有提到谁") == []


def _post(client, article, body):
    return client.post(reverse("engagement:comments", args=[article.pk]), {"body": body})


def test_mention_notifies_the_named_reader_once(client, django_capture_on_commit_callbacks):
    writer, alice, bob = UserFactory(), UserFactory(username="alice"), UserFactory()
    article = ArticleFactory()
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, article, f"@alice 看看这篇 @alice @{writer.username} @nobody")
    mention = Notification.objects.get(kind=Notification.Kind.MENTION)
    assert mention.user == alice and mention.actor == writer
    assert not Notification.objects.filter(user__in=[writer, bob]).exists()
    client.force_login(alice)
    html = client.get(reverse("engagement:notifications")).content.decode()
    assert "在跟贴中提到了你" in html


def test_a_reply_to_the_mentioned_reader_notifies_once(django_capture_on_commit_callbacks):
    alice, writer = UserFactory(username="alice"), UserFactory()
    article = ArticleFactory()
    parent = services.comment_create(user=alice, article=article, body="第一条")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=writer, article=article, body="@alice 同意", parent=parent)
    assert list(Notification.objects.filter(user=alice).values_list("kind", flat=True)) == ["reply"]


def test_at_most_a_few_readers_per_comment(django_capture_on_commit_callbacks):
    names = [UserFactory(username=f"m{i}").username for i in range(8)]
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            user=UserFactory(), article=ArticleFactory(), body=" ".join(f"@{n}" for n in names)
        )
    assert Notification.objects.count() == services.MENTIONS_PER_COMMENT


def test_mentions_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "mention": "2/h/user"}
    UserFactory(username="alice")
    article = ArticleFactory()
    client.force_login(UserFactory())
    assert _post(client, article, "@alice 一").status_code == 302
    assert _post(client, article, "@alice 二").status_code == 302
    assert _post(client, article, "@alice 三").status_code == 429
    # A comment without a mention is not held back by it.
    assert _post(client, article, "没有提到谁").status_code == 302


def test_a_mention_of_a_creator_links_to_the_creator_page(client):
    from openhao.creators.tests.factories import CreatorFactory

    creator = CreatorFactory(user__username="laowang")
    UserFactory(username="alice")  # a reader: no public page
    article = ArticleFactory()
    comment = services.comment_create(
        user=UserFactory(),
        article=article,
        body="@laowang 说得对，@alice 也来看看，@nobody 不存在。见 https://example.com/@laowang",
    )
    html = comment.body_html
    creator_url = reverse("articles:creator", args=[creator.pk])
    assert f'<a href="{creator_url}" rel="nofollow ugc noopener noreferrer">@laowang</a>' in html
    # A reader has no public page: the mention stays text; so does a name nobody has.
    assert "@alice" in html and "@nobody" in html
    assert html.count("<a ") == 2  # the creator and the URL, whose "@laowang" is not a mention
    assert 'href="https://example.com/@laowang"' in html
    # Shown in the comment block as written.
    block = client.get(reverse("engagement:comments", args=[article.pk])).content.decode()
    assert f'href="{creator_url}"' in block


def test_a_mention_cannot_inject_markup():
    from openhao.creators.tests.factories import CreatorFactory

    CreatorFactory(user__username="x.y")
    comment = services.comment_create(
        user=UserFactory(), article=ArticleFactory(), body='@x.y"><script>alert(1)</script>'
    )
    assert "<script" not in comment.body_html and "&lt;script&gt;" in comment.body_html
    assert comment.body_html.startswith('<a href="/creator/')
