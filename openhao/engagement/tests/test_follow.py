"""关注: the services keep Creator.follower_count exact, the constraint makes doubles harmless
(also under concurrency), and the pages never put per-user state into cached HTML."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from openhao.articles.tests.factories import ArticleFactory
from openhao.common.cache import tag_versions
from openhao.creators.models import Creator
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import services
from openhao.engagement.models import Follow

from .factories import FollowFactory


def _count(creator) -> int:
    return Creator.objects.get(pk=creator.pk).follower_count


@pytest.mark.django_db
def test_follow_and_unfollow_keep_the_count_exact_and_are_idempotent():
    creator = CreatorFactory(follower_count=0)
    user = UserFactory()
    assert services.follow_create(user=user, creator=creator) is True
    assert services.follow_create(user=user, creator=creator) is False
    assert _count(creator) == 1
    assert services.follow_delete(user=user, creator=creator) is True
    assert services.follow_delete(user=user, creator=creator) is False
    assert _count(creator) == 0
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_second_follow_row():
    follow = FollowFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=follow.user, creator=follow.creator)


@pytest.mark.django_db
def test_cannot_follow_yourself():
    creator = CreatorFactory(follower_count=0)
    with pytest.raises(PermissionDenied):
        services.follow_create(user=creator.user, creator=creator)
    assert _count(creator) == 0


@pytest.mark.django_db(transaction=True)
def test_a_follow_bumps_the_creator_tag():
    creator = CreatorFactory(follower_count=0)
    before = tag_versions([f"creator:{creator.pk}"])
    services.follow_create(user=UserFactory(), creator=creator)
    assert tag_versions([f"creator:{creator.pk}"]) != before


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_follow_counts_once(race):
    creator = CreatorFactory(follower_count=0)
    user = UserFactory()
    results, errors = race(lambda: services.follow_create(user=user, creator=creator))
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert _count(creator) == 1
    assert Follow.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_follow_is_sent_to_sign_in(client):
    creator = CreatorFactory(follower_count=0)
    response = client.post(reverse("engagement:follow", args=[creator.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _count(creator) == 0
    htmx = client.post(reverse("engagement:follow", args=[creator.pk]), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_follow_without_javascript_posts_and_redirects(client):
    creator = CreatorFactory(follower_count=0)
    client.force_login(UserFactory())
    page = client.get(reverse("engagement:follow", args=[creator.pk]))
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    response = client.post(
        reverse("engagement:follow", args=[creator.pk]), {"action": "follow", "next": "/hao/"}
    )
    assert response.status_code == 302 and response.url == "/hao/"
    assert _count(creator) == 1
    response = client.post(
        reverse("engagement:follow", args=[creator.pk]),
        {"action": "unfollow", "next": "https://evil.example/"},
    )
    assert response.url == creator.get_absolute_url()
    assert _count(creator) == 0


@pytest.mark.django_db
def test_follow_page_round_trip_without_javascript(client):
    creator = CreatorFactory(follower_count=0)
    client.force_login(UserFactory())
    url = reverse("engagement:follow", args=[creator.pk])
    page = client.get(url, HTTP_REFERER="http://testserver/article/9/").content.decode()
    assert 'name="back" value="http://testserver/article/9/"' in page
    response = client.post(url, {"action": "follow", "back": "http://testserver/article/9/"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "你已关注这个号" in page and 'href="http://testserver/article/9/"' in page
    assert _count(creator) == 1
    evil = client.post(url, {"action": "unfollow", "back": "https://evil.example/"})
    assert "evil" not in evil.url


@pytest.mark.django_db
def test_follow_with_htmx_returns_the_new_button_and_count(client):
    creator = CreatorFactory(follower_count=0)
    client.force_login(UserFactory())
    response = client.post(
        reverse("engagement:follow", args=[creator.pk]),
        {"action": "follow"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "已关注" in html
    assert f'<div id="follower-count-{creator.pk}" hx-swap-oob="true">' in html
    assert "<dd>1</dd>" in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_follow_state_fragment_is_private_and_reflects_the_reader(client):
    creator = CreatorFactory(follower_count=0)
    user = UserFactory()
    url = reverse("engagement:follow-state", args=[creator.pk])
    anon = client.get(url)
    assert "已关注" not in anon.content.decode()
    FollowFactory(user=user, creator=creator)
    client.force_login(user)
    response = client.get(url)
    assert "已关注" in response.content.decode()
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_cached_article_page_has_no_per_user_follow_state(client):
    article = ArticleFactory()
    user = UserFactory()
    FollowFactory(user=user, creator=article.creator)
    client.force_login(user)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "已关注" not in html
    assert reverse("engagement:follow-state", args=[article.creator_id]) in html


@pytest.mark.django_db
def test_article_page_shows_the_new_count_after_a_follow(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(creator=CreatorFactory(follower_count=0))
    client.get(article.get_absolute_url())  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_create(user=UserFactory(), creator=article.creator)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<div id="follower-count-{article.creator_id}"><dt>关注度</dt><dd>1</dd>' in html


@pytest.mark.django_db
def test_following_page_requires_sign_in(client):
    response = client.get(reverse("engagement:following"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_following_page_lists_creators_and_their_newest_articles(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    followed = CreatorFactory(display_name="我关注的号")
    other = CreatorFactory(display_name="没关注的号")
    FollowFactory(user=user, creator=followed)
    ArticleFactory(creator=followed, title="关注者的新文章")
    ArticleFactory(creator=other, title="别人的文章")
    client.force_login(user)
    html = client.get(reverse("engagement:following")).content.decode()
    assert "我关注的号" in html and "关注者的新文章" in html
    assert "别人的文章" not in html


@pytest.mark.django_db
def test_following_page_queries_are_bounded_with_500_follows(client, django_assert_max_num_queries):
    user = UserFactory()
    creators = CreatorFactory.create_batch(500)
    Follow.objects.bulk_create(Follow(user=user, creator=c) for c in creators)
    for creator in creators[:40]:
        ArticleFactory(creator=creator)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("engagement:following"))
    assert response.status_code == 200
    assert response.content.decode().count('class="article-item"') == 20
