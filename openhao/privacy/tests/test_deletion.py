"""注销: password re-entry, the cooling-off that a sign-in cancels, erasure of what is listed and
nothing else, counters that stay consistent, the creator's choice, the periodic job, and a
guard that every relation to the user model is handled."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from openhao.accounts.models import User
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.common import periodic
from openhao.creators.models import Creator
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import services as engagement
from openhao.engagement.models import (
    ArticleLike,
    Bookmark,
    Comment,
    CommentVote,
    Follow,
    Notification,
)
from openhao.privacy import services
from openhao.privacy.models import AccountDeletion
from openhao.ranking import services as ranking
from openhao.ranking.models import FeedMuted, ReadHistory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def test_every_relation_to_the_user_model_is_handled():
    found = services.user_relations()
    missing = sorted(found - set(services.USER_RELATIONS))
    assert not missing, f"say in privacy.services.USER_RELATIONS what 注销 does with {missing}"
    stale = sorted(set(services.USER_RELATIONS) - found)
    assert not stale, f"no longer relations to the user model: {stale}"


def test_every_relation_to_the_creator_model_is_handled():
    found = services.creator_relations()
    missing = sorted(found - set(services.CREATOR_RELATIONS))
    assert not missing, f"say in privacy.services.CREATOR_RELATIONS what 注销 does with {missing}"
    assert not sorted(set(services.CREATOR_RELATIONS) - found)


def _request(user, **choices):
    return services.deletion_request(
        user=user,
        password=PASSWORD,
        comments=choices.get("comments", "keep"),
        articles=choices.get("articles", "unpublish"),
    )


def _busy_reader():
    """A reader with some of everything, and what others did that must stay."""
    reader = UserFactory(email="reader@example.com", motto="我的签名", ip_region="广东")
    EmailAddress.objects.create(user=reader, email="reader@example.com", primary=True)
    creator = CreatorFactory(follower_count=0)
    article = ArticleFactory(like_count=0)
    other = UserFactory()
    engagement.follow_create(user=reader, creator=creator)
    engagement.follow_create(user=other, creator=creator)
    engagement.like_set(user=reader, article=article, liked=True)
    engagement.like_set(user=other, article=article, liked=True)
    theirs = engagement.comment_create(user=other, article=article, body="别人的跟贴")
    engagement.comment_vote(user=reader, comment=theirs)
    mine = engagement.comment_create(
        user=reader, article=article, body="我的跟贴", ip_region="广东"
    )
    engagement.bookmark_set(user=reader, article=article, saved=True)
    engagement.bookmark_set(user=other, article=article, saved=True)
    ranking.read_history_record(entries=[(reader.pk, article.pk, timezone.now().timestamp())])
    ranking.feed_mute(user=reader, creator_id=creator.pk)
    Notification.objects.create(user=reader, kind="reply", actor=other, comment=theirs)
    Notification.objects.create(user=other, kind="reply", actor=reader, comment=mine)
    return reader, other, creator, article, theirs, mine


def test_request_needs_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("privacy:delete"), {"password": "wrong", "comments": "keep"})
    assert response.status_code == 400 and "密码不正确" in response.content.decode()
    assert not AccountDeletion.objects.exists()
    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "comments": "keep"})
    assert response.status_code == 302
    deletion = AccountDeletion.objects.get()
    assert deletion.status == "pending"
    assert deletion.due_at - deletion.requested_at == timedelta(days=15)
    # Signed out: signing in again is how the request is withdrawn.
    assert "_auth_user_id" not in client.session


def test_creator_sees_the_article_choice_up_front(client):
    creator = CreatorFactory()
    client.force_login(creator.user)
    html = client.get(reverse("privacy:delete")).content.decode()
    assert "已注销作者" in html and "撤下我发布的全部文章" in html
    client.force_login(UserFactory())
    html = client.get(reverse("privacy:delete")).content.decode()
    assert "撤下我发布的全部文章" not in html and "用户已注销" in html


def test_signing_in_during_the_cooling_off_cancels_it(client):
    user = UserFactory()
    _request(user)
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    deletion = AccountDeletion.objects.get()
    assert deletion.status == "cancelled" and deletion.cancelled_at is not None
    with time_machine.travel(timezone.now() + timedelta(days=16)):
        assert services.deletions_run() == 0
    assert User.objects.get(pk=user.pk).deleted_at is None


def test_erasure_waits_for_the_cooling_off_then_erases_what_it_says():
    reader, other, creator, article, theirs, mine = _busy_reader()
    _request(reader)
    assert services.deletions_run() == 0  # still in the cooling-off period
    with time_machine.travel(timezone.now() + timedelta(days=15, minutes=1)):
        assert services.deletions_run() == 1
    reader = User.objects.get(pk=reader.pk)
    assert reader.deleted_at and not reader.is_active and not reader.has_usable_password()
    assert (reader.email, reader.nickname, reader.motto, reader.ip_region) == ("", "", "", "")
    assert reader.public_name == "用户已注销"
    assert not EmailAddress.objects.filter(user=reader).exists()
    for model in (Follow, ArticleLike, CommentVote, Bookmark, ReadHistory, FeedMuted):
        assert not model.objects.filter(user=reader).exists(), model
    assert not Notification.objects.filter(user=reader).exists()
    assert Notification.objects.get(user=other).actor is None
    # Counters drop by the reader's part only.
    assert Creator.objects.get(pk=creator.pk).follower_count == 1
    assert Article.objects.get(pk=article.pk).like_count == 1
    assert Comment.objects.get(pk=theirs.pk).vote_count == 0
    # Others' data stays.
    assert Follow.objects.filter(user=other).exists()
    assert Bookmark.objects.filter(user=other).exists()
    # The comment stays, text kept (the choice), region gone, author 用户已注销.
    kept = Comment.objects.get(pk=mine.pk)
    assert kept.body == "我的跟贴" and not kept.is_deleted and kept.ip_region == ""


def test_comment_text_removed_when_chosen_and_counts_follow():
    reader, _other, _creator, article, _theirs, mine = _busy_reader()
    before = Article.objects.get(pk=article.pk).comment_count
    deletion = _request(reader, comments="remove")
    assert services.account_erase(deletion_id=deletion.pk) is True
    gone = Comment.objects.get(pk=mine.pk)
    assert gone.is_deleted and gone.body == "" and gone.body_html == ""
    assert Article.objects.get(pk=article.pk).comment_count == before - 1


def test_erasure_is_idempotent():
    reader, _other, creator, article, _theirs, _mine = _busy_reader()
    deletion = _request(reader)
    assert services.account_erase(deletion_id=deletion.pk) is True
    assert services.account_erase(deletion_id=deletion.pk) is False
    assert Creator.objects.get(pk=creator.pk).follower_count == 1
    assert Article.objects.get(pk=article.pk).like_count == 1


def test_creator_articles_unpublished_by_choice():
    creator = CreatorFactory()
    articles = ArticleFactory.create_batch(2, creator=creator)
    deletion = _request(creator.user, articles="unpublish")
    services.account_erase(deletion_id=deletion.pk)
    assert not Article.objects.public().filter(pk__in=[a.pk for a in articles]).exists()
    creator.refresh_from_db()
    assert creator.display_name.startswith("已注销作者") and creator.article_count == 0


def test_creator_articles_kept_under_deleted_author(client):
    creator = CreatorFactory(motto="旧签名")
    article = ArticleFactory(creator=creator)
    old_name = creator.display_name
    deletion = _request(creator.user, articles="keep")
    services.account_erase(deletion_id=deletion.pk)
    assert Article.objects.public().filter(pk=article.pk).exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "已注销作者" in html and old_name not in html and "旧签名" not in html


def test_the_periodic_scheduler_runs_the_deletions():
    user = UserFactory()
    _request(user)
    later = timezone.now() + timedelta(days=16)
    with time_machine.travel(later):
        started = periodic.run_due(later)
    assert "account_deletions" in started
    assert User.objects.get(pk=user.pk).deleted_at is not None


@pytest.mark.parametrize("articles", ["unpublish", "keep"])
def test_a_deleted_creator_loses_its_followers_and_the_counts_follow(articles):
    creator = CreatorFactory(follower_count=0)
    fans = UserFactory.create_batch(3)
    for fan in fans:
        engagement.follow_create(user=fan, creator=creator)
    other = CreatorFactory(follower_count=0)
    engagement.follow_create(user=fans[0], creator=other)
    # The creator follows someone too: that follow goes as for any reader.
    engagement.follow_create(user=creator.user, creator=other)
    assert Creator.objects.get(pk=creator.pk).follower_count == 3
    deletion = _request(creator.user, articles=articles)
    services.account_erase(deletion_id=deletion.pk)
    assert not Follow.objects.filter(creator=creator).exists()
    assert Creator.objects.get(pk=creator.pk).follower_count == 0
    # The followers' other follows stay, and every count is what a recount gives.
    assert list(Follow.objects.filter(user=fans[0]).values_list("creator_id", flat=True)) == [
        other.pk
    ]
    for c in Creator.objects.filter(pk__in=[creator.pk, other.pk]):
        assert c.follower_count == Follow.objects.filter(creator=c).count()
    assert Creator.objects.get(pk=other.pk).follower_count == 1
