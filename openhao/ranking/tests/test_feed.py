from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.services import article_remove
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.ranking.selectors import feed_page

pytestmark = pytest.mark.django_db


def walk(size):
    seen, cursor, pages = [], None, 0
    while True:
        page = feed_page(cursor=cursor, size=size)
        seen.extend(a.pk for a in page.articles)
        pages += 1
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


def test_cursor_pages_cover_everything_once_in_score_order():
    now = timezone.now()
    articles = [
        ArticleFactory(view_count=100, published_at=now - timedelta(hours=i)) for i in range(23)
    ]
    seen, pages = walk(size=5)
    assert sorted(seen) == sorted(a.pk for a in articles)
    assert len(seen) == len(set(seen)) and pages == 5
    first = feed_page(size=3).articles
    # Equal engagement: the newest first.
    assert [a.pk for a in first] == [a.pk for a in articles[:3]]


def test_at_most_two_per_creator_per_page_and_removed_items_leave():
    prolific = CreatorFactory()
    mine = [ArticleFactory(creator=prolific, view_count=10_000) for _ in range(5)]
    others = [ArticleFactory(view_count=1) for _ in range(3)]
    page = feed_page(size=5)
    assert sum(a.creator_id == prolific.pk for a in page.articles) == 2
    assert {a.pk for a in others} <= {a.pk for a in page.articles}
    article_remove(article=mine[0])
    assert mine[0].pk not in walk(size=5)[0]


@pytest.mark.parametrize("cursor", ["", "x", "nan_1", "inf_2", "1.5", "1.5_x", "_", "1e999_3"])
def test_bad_cursors_start_from_the_top(client, cursor):
    ArticleFactory()
    assert client.get("/feed/", {"cursor": cursor}).status_code == 200
    assert client.get("/feed/more", {"cursor": cursor}).status_code == 200


def test_home_has_the_feed_with_an_htmx_link_that_works_without_js(client):
    for i in range(25):
        ArticleFactory(title=f"推荐文章{i:02d}", view_count=100 + i)
    html = client.get("/").content.decode()
    assert 'id="feed-heading"' in html
    assert 'hx-trigger="revealed"' in html and 'href="/feed/?cursor=' in html
    more = html.split('href="/feed/?cursor=')[1].split('"')[0]
    page2 = client.get("/feed/", {"cursor": more.replace("%5F", "_")}).content.decode()
    fragment = client.get("/feed/more", {"cursor": more.replace("%5F", "_")}).content.decode()
    assert "推荐文章" in page2 and "<html" in page2
    assert "推荐文章" in fragment and "<html" not in fragment


def test_feed_page_query_count(client, django_assert_max_num_queries):
    for _ in range(30):
        ArticleFactory()
    with django_assert_max_num_queries(3):
        assert client.get("/feed/more").status_code == 200


# --- the signed-in reader's feed: hide and mute ---------------------------------------------


@pytest.fixture
def reader():
    from openhao.creators.tests.factories import UserFactory

    return UserFactory()


def test_anonymous_personal_feed_is_204_and_private(client):
    ArticleFactory()
    response = client.get("/feed/mine")
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_hidden_articles_and_muted_creators_leave_the_readers_feed(client, reader):
    muted = CreatorFactory()
    hidden = ArticleFactory(title="不想看的文章", view_count=10_000)
    ArticleFactory(creator=muted, title="被屏蔽作者的文章", view_count=10_000)
    ArticleFactory(title="留下的文章")
    client.force_login(reader)
    html = client.get("/feed/mine").content.decode()
    assert "不想看的文章" in html and "被屏蔽作者的文章" in html and "不感兴趣" in html
    assert client.post(f"/feed/hide/{hidden.pk}", {"next": "/"}).status_code == 302
    response = client.post(f"/feed/mute/{muted.pk}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    html = client.get("/feed/mine").content.decode()
    assert "留下的文章" in html
    assert "不想看的文章" not in html and "被屏蔽作者的文章" not in html
    # Only this reader's feed changes.
    public = [a.title for a in feed_page().articles]
    assert "不想看的文章" in public and "被屏蔽作者的文章" in public
    # Idempotent.
    assert client.post(f"/feed/hide/{hidden.pk}").status_code == 302


def test_hide_and_mute_need_sign_in_post_and_csrf(client, reader):
    from django.test import Client

    article = ArticleFactory()
    assert client.post(f"/feed/hide/{article.pk}").status_code == 302  # to the login page
    assert "/accounts/login/" in client.post(f"/feed/mute/{article.creator_id}")["Location"]
    client.force_login(reader)
    assert client.get(f"/feed/hide/{article.pk}").status_code == 405
    assert client.post("/feed/hide/999999").status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert strict.post(f"/feed/hide/{article.pk}").status_code == 403


def test_redirect_after_hide_stays_on_this_site(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    response = client.post(f"/feed/hide/{article.pk}", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["abc", "-1", "1e5", "javascript:alert(1)", "//evil.example/"])
def test_a_next_that_is_not_a_local_url_goes_home(client, reader, target):
    """A bare word was taken for a view name by redirect(): NoReverseMatch, a 500."""
    article = ArticleFactory()
    client.force_login(reader)
    response = client.post(f"/feed/hide/{article.pk}", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"
