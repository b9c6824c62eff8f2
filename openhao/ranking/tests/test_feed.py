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
