"""Search by cursor (both search backends: run on PostgreSQL too), and the 422 of a malformed
cursor on every list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import services as engagement_services

pytestmark = pytest.mark.django_db


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    return [item["id"] for item in body["items"]], body["next_cursor"]


def search_all(client, q, limit, between=None):
    seen, cursor, first = [], None, True
    while True:
        url = f"/api/v1/search?q={q}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        found, cursor = page(client, url)
        seen += found
        if first and between:
            between()
        first = False
        if cursor is None:
            return seen


def _matches(n, word="桂花糕"):
    now = timezone.now()
    return [
        ArticleFactory(
            title=f"{word}的第{i}种做法",
            summary="",
            body_html=f"<p>{'甜' * (i % 5)}{word}</p>",
            published_at=now - timedelta(minutes=n - i),
        )
        for i in range(n)
    ]


def test_search_pages_through_every_match_past_fifty(client):
    articles = _matches(57)
    ArticleFactory(title="红烧肉的家常做法", summary="", body_html="<p>肥而不腻</p>")
    seen = search_all(client, "桂花糕", 50)
    assert len(seen) == 57 and set(seen) == {a.pk for a in articles}


def test_publishing_between_pages_repeats_and_skips_nothing(client):
    articles = _matches(7)
    newcomers = []

    def publish():
        # Best possible matches (the word in the title twice, newest): they would lead page 1.
        newcomers.append(
            ArticleFactory(title="桂花糕桂花糕", summary="桂花糕", published_at=timezone.now())
        )

    seen = search_all(client, "桂花糕", 3, between=publish)
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {a.pk for a in articles}
    # A new search (no cursor) finds the newcomer.
    assert newcomers[0].pk in page(client, "/api/v1/search?q=桂花糕&limit=3")[0]


def test_a_search_cursor_is_refused_for_another_query_or_forged(client):
    _matches(3)
    _ids, cursor = page(client, "/api/v1/search?q=桂花糕&limit=1")
    assert cursor
    for url in (
        f"/api/v1/search?q=红烧肉&cursor={cursor}",
        f"/api/v1/search?q=桂花糕&cursor={cursor[:-2]}xx",
        "/api/v1/search?q=桂花糕&cursor=0.0:abc",
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response["Content-Type"].startswith("application/problem+json")


def test_a_garbage_cursor_on_every_list_is_a_422_problem(client, bearer):
    article = ArticleFactory(topics=[TopicFactory()])
    root = engagement_services.comment_create(user=UserFactory(), article=article, body="楼")
    headers = bearer(UserFactory(), "read")
    for url in (
        "/api/v1/articles",
        f"/api/v1/articles/{article.pk}/comments",
        f"/api/v1/comments/{root.pk}/replies",
        "/api/v1/channels",
        "/api/v1/topics",
        "/api/v1/creators",
        "/api/v1/search?q=文章",
        "/api/v1/me/feed",
    ):
        for garbage in ("garbage", "1.5_x", "nan_3"):
            sep = "&" if "?" in url else "?"
            response = client.get(f"{url}{sep}cursor={garbage}", headers=headers)
            assert response.status_code == 422, (url, garbage)
            assert response["Content-Type"].startswith("application/problem+json")
            assert response.json()["detail"] == "游标无效，请使用上一页返回的 next_cursor。"


def test_ranked_lists_say_they_have_no_next_page(client):
    article = ArticleFactory()
    for url in ("/api/v1/hot", f"/api/v1/articles/{article.pk}/related"):
        body = client.get(url).json()
        assert "next_cursor" in body and body["next_cursor"] is None, url


def test_search_shows_no_draft_or_removed_article(client):
    from openhao.articles.models import Article

    public = ArticleFactory(title="桂花糕的做法", summary="")
    draft = ArticleFactory(
        title="桂花糕草稿", summary="", status=Article.Status.DRAFT, published_at=None
    )
    removed = ArticleFactory(title="桂花糕下架", summary="", status=Article.Status.REMOVED)
    found, _cursor = page(client, "/api/v1/search?q=桂花糕")
    assert public.pk in found and draft.pk not in found and removed.pk not in found


def test_every_read_endpoint_has_an_etag(client, bearer):
    article = ArticleFactory(title="桂花糕的做法", topics=[TopicFactory()])
    root = engagement_services.comment_create(user=UserFactory(), article=article, body="楼")
    headers = bearer(UserFactory(), "read")
    for url in (
        "/api/v1/articles",
        f"/api/v1/articles/{article.pk}",
        f"/api/v1/articles/{article.pk}/comments",
        f"/api/v1/articles/{article.pk}/related",
        f"/api/v1/comments/{root.pk}/replies",
        "/api/v1/channels",
        "/api/v1/topics",
        "/api/v1/creators",
        f"/api/v1/creators/{article.creator_id}",
        "/api/v1/hot",
        "/api/v1/search?q=桂花糕",
        "/api/v1/me/feed",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        etag = response["ETag"]
        again = client.get(url, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304, url
