"""Moderation state of a comment: held comments are stored but neither listed, counted nor
notified until shown; removed ones keep their place as a placeholder and their text."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import selectors, services
from openhao.engagement.models import Comment, Notification

pytestmark = pytest.mark.django_db
State = Comment.State


def _count(article) -> int:
    return Article.objects.get(pk=article.pk).comment_count


def _listed(article) -> list[int]:
    _page, threads = selectors.comment_threads(article.pk, 1)
    return [t.comment.pk for t in threads] + [r.comment.pk for t in threads for r in t.replies]


def test_a_held_comment_is_stored_but_not_listed_counted_or_notified():
    article = ArticleFactory(comment_count=0)
    alice, bob = UserFactory(), UserFactory()
    top = services.comment_create(user=alice, article=article, body="第一条")
    held = services.comment_create(user=bob, article=article, body="回复", parent=top, held=True)
    assert held.moderation_state == State.HELD and not held.is_shown
    assert _count(article) == 1 == selectors.visible_comment_count(article.pk)
    assert _listed(article) == [top.pk]
    assert not Notification.objects.filter(user=alice, kind=Notification.Kind.REPLY).exists()
    with pytest.raises(ValidationError):
        services.comment_create(user=alice, article=article, body="回复审核中的", parent=held)


def test_showing_a_held_comment_counts_it_and_notifies_once(django_capture_on_commit_callbacks):
    article = ArticleFactory(comment_count=0)
    alice, bob = UserFactory(), UserFactory()
    top = services.comment_create(user=alice, article=article, body="第一条")
    held = services.comment_create(user=bob, article=article, body="回复", parent=top, held=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.comment_moderation_set(comment=held, state=State.VISIBLE)
        assert not services.comment_moderation_set(comment=held, state=State.VISIBLE)
    assert _count(article) == 2
    assert set(_listed(article)) == {top.pk, held.pk}
    assert Notification.objects.filter(user=alice, kind=Notification.Kind.REPLY).count() == 1


def test_removal_keeps_a_placeholder_and_the_text_and_restoring_brings_it_back(client):
    article = ArticleFactory(comment_count=0)
    alice = UserFactory()
    comment = services.comment_create(user=alice, article=article, body="要被移除的话")
    services.comment_pin(user=article.creator.user, comment=comment)
    assert services.comment_moderation_set(comment=comment, state=State.REMOVED)
    comment.refresh_from_db()
    assert comment.body == "要被移除的话" and comment.body_html and comment.pinned_at is None
    assert _count(article) == 0 and _listed(article) == [comment.pk]
    assert selectors.pinned_comments(article.pk) == []
    html = client.get(reverse("engagement:comments", args=[article.pk])).content.decode()
    assert "已被移除" in html and "要被移除的话" not in html
    with pytest.raises(PermissionDenied):
        services.comment_vote(user=UserFactory(), comment=comment)
    assert services.comment_moderation_set(comment=comment, state=State.VISIBLE)
    assert _count(article) == 1
    html = client.get(reverse("engagement:comments", args=[article.pk])).content.decode()
    assert "要被移除的话" in html


def test_deleting_a_removed_comment_does_not_count_it_twice():
    article = ArticleFactory(comment_count=0)
    alice = UserFactory()
    kept = services.comment_create(user=alice, article=article, body="留下")
    gone = services.comment_create(user=alice, article=article, body="移除后删除")
    services.comment_moderation_set(comment=gone, state=State.REMOVED)
    assert services.comment_delete(user=alice, comment=gone)
    assert _count(article) == 1 == selectors.visible_comment_count(article.pk)
    assert kept.is_shown


def test_an_unknown_state_is_refused():
    comment = services.comment_create(user=UserFactory(), article=ArticleFactory(), body="x")
    with pytest.raises(ValueError):
        services.comment_moderation_set(comment=comment, state="hidden")
