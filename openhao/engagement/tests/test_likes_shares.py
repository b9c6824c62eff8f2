"""点赞 once per user (toggleable) and share counting per channel from the 分享至 beacon."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import selectors, services
from openhao.engagement.models import ArticleLike, ShareCount

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def _likes(article) -> int:
    return Article.objects.get(pk=article.pk).like_count


def test_like_once_and_take_it_back():
    article = ArticleFactory(like_count=0)
    user = UserFactory()
    assert services.like_set(user=user, article=article, liked=True) is True
    assert services.like_set(user=user, article=article, liked=True) is False
    assert _likes(article) == 1
    assert services.like_set(user=user, article=article, liked=False) is True
    assert services.like_set(user=user, article=article, liked=False) is False
    assert _likes(article) == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleLike.objects.bulk_create([ArticleLike(user=user, article=article)] * 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_like_counts_once(race):
    article = ArticleFactory(like_count=0)
    user = UserFactory()
    results, errors = race(lambda: services.like_set(user=user, article=article, liked=True))
    assert errors == [] and _likes(article) == 1


def test_like_over_http(client):
    article = ArticleFactory(like_count=0)
    url = reverse("engagement:like", args=[article.pk])
    assert client.post(url).url.startswith(reverse("account_login"))
    client.force_login(UserFactory())
    response = client.post(url, {"action": "like"}, HTTP_HX_REQUEST="true")
    assert "已赞" in response.content.decode() and "no-store" in response["Cache-Control"]
    response = client.post(url, {"action": "like"})  # no JavaScript: the like page
    assert response.status_code == 302 and response.url == url
    assert "已赞" in client.get(url).content.decode()
    assert _likes(article) == 1
    client.post(url, {"action": "unlike"})
    assert _likes(article) == 0


def test_actions_fragment_shows_state_and_counts_and_is_private(client):
    article = ArticleFactory(like_count=0, share_count=0, view_count=42)
    user = UserFactory()
    services.like_set(user=user, article=article, liked=True)
    client.force_login(user)
    response = client.get(reverse("engagement:article-actions", args=[article.pk]))
    html = response.content.decode()
    assert "已赞" in html and '<span class="like-count">1</span>' in html
    assert '<span class="read-count">42</span>' in html
    assert "private" in response["Cache-Control"]


def test_cached_article_page_has_no_like_state(client):
    article = ArticleFactory()
    user = UserFactory()
    services.like_set(user=user, article=article, liked=True)
    client.force_login(user)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "已赞" not in html
    assert reverse("engagement:article-actions", args=[article.pk]) in html


def test_share_beacon_counts_per_channel_once_per_visitor(client):
    article = ArticleFactory(share_count=0)
    url = reverse("engagement:share", args=[article.pk])
    client.get(reverse("personal"))  # the page's personal fragment: the visitor id
    for channel in ("weibo", "weibo", "qq", "copy", "wechat"):
        assert client.post(url, {"channel": channel}, HTTP_USER_AGENT=BROWSER).status_code == 204
    other = client.__class__()
    other.get(reverse("personal"))
    other.post(url, {"channel": "weibo"}, HTTP_USER_AGENT=BROWSER + " other")
    assert selectors.share_breakdown(article.pk) == {"weibo": 2, "qq": 1, "copy": 1, "wechat": 1}
    assert Article.objects.get(pk=article.pk).share_count == 5


def test_share_beacon_ignores_bots_and_unknown_channels(client):
    article = ArticleFactory(share_count=0)
    url = reverse("engagement:share", args=[article.pk])
    client.post(url, {"channel": "weibo"}, HTTP_USER_AGENT="Baiduspider/2.0")
    client.post(url, {"channel": "weibo"}, HTTP_USER_AGENT="")
    assert client.post(url, {"channel": "fax"}, HTTP_USER_AGENT=BROWSER).status_code == 400
    assert not ShareCount.objects.exists()
    assert Article.objects.get(pk=article.pk).share_count == 0


def test_share_beacon_needs_the_csrf_token():
    from django.test import Client

    article = ArticleFactory(share_count=0)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("engagement:share", args=[article.pk]), {"channel": "qq"}, HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).share_count == 0


def test_article_page_loads_the_actions_and_share_beacon_url(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-share-url="{reverse("engagement:share", args=[article.pk])}"' in html
