"""收藏: save and take out (htmx and plain forms), state from the private actions fragment, the
list newest first with keyset pages, removed articles shown as 内容已下架, private to the owner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openhao.articles import services as article_services
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import selectors, services
from openhao.engagement.models import Bookmark

pytestmark = pytest.mark.django_db


def test_save_once_and_take_out():
    article, user = ArticleFactory(), UserFactory()
    assert services.bookmark_set(user=user, article=article, saved=True) is True
    assert services.bookmark_set(user=user, article=article, saved=True) is False
    assert Bookmark.objects.filter(user=user).count() == 1
    assert services.bookmark_set(user=user, article=article, saved=False) is True
    assert services.bookmark_set(user=user, article=article, saved=False) is False
    assert not Bookmark.objects.exists()


def test_only_a_public_article_can_be_saved():
    article = ArticleFactory()
    article_services.article_remove(article=article)
    article.refresh_from_db()
    with pytest.raises(ValidationError):
        services.bookmark_set(user=UserFactory(), article=article, saved=True)


def test_bookmark_over_htmx_and_without_javascript(client):
    article = ArticleFactory()
    url = reverse("engagement:bookmark", args=[article.pk])
    assert client.post(url).url.startswith(reverse("account_login"))
    user = UserFactory()
    client.force_login(user)
    response = client.post(url, {"action": "save"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "已收藏" in html and 'aria-pressed="true"' in html
    assert "private" in response["Cache-Control"]
    # Without JavaScript: back to the small bookmark page, which shows the state.
    response = client.post(url, {"action": "remove"})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert 'value="save"' in page and "已收藏" not in page
    assert not Bookmark.objects.filter(user=user).exists()


def test_button_state_comes_from_the_private_fragment_not_the_cached_page(client):
    article = ArticleFactory()
    user = UserFactory()
    services.bookmark_set(user=user, article=article, saved=True)
    client.force_login(user)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "已收藏" not in page  # the page is the same for everyone
    fragment = client.get(reverse("engagement:article-actions", args=[article.pk]))
    assert "已收藏" in fragment.content.decode()
    assert "private" in fragment["Cache-Control"]
    client.logout()
    anonymous = client.get(reverse("engagement:article-actions", args=[article.pk]))
    assert "已收藏" not in anonymous.content.decode()


def _saved(user, n):
    now = timezone.now()
    articles = ArticleFactory.create_batch(n)
    Bookmark.objects.bulk_create(
        [
            Bookmark(user=user, article=a, created_at=now - timedelta(minutes=i))
            for i, a in enumerate(articles)
        ]
    )
    return articles  # newest bookmark first


def test_keyset_pages_cover_every_bookmark_once_newest_first():
    user = UserFactory()
    articles = _saved(user, 7)
    # Two bookmarks at the same moment: the id breaks the tie, none is skipped.
    Bookmark.objects.filter(article=articles[3]).update(
        created_at=Bookmark.objects.get(article=articles[2]).created_at
    )
    seen, cursor = [], None
    while True:
        page = selectors.bookmarks_page(user=user, cursor=cursor, size=3)
        seen += [b.article_id for b in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(a.pk for a in articles) and len(seen) == 7
    assert seen[:2] == [articles[0].pk, articles[1].pk]


def test_list_page_shows_removed_articles_as_taken_down_and_is_private(client):
    owner, other = UserFactory(), UserFactory()
    kept, gone = _saved(owner, 2)
    _saved(other, 1)
    gone_title = gone.title
    article_services.article_remove(article=gone)
    client.force_login(owner)
    html = client.get(reverse("engagement:bookmarks")).content.decode()
    assert kept.title in html and "内容已下架" in html and gone_title not in html
    # Taken out from the list, even though it is no longer public.
    response = client.post(
        reverse("engagement:bookmark", args=[gone.pk]),
        {"action": "remove", "next": reverse("engagement:bookmarks")},
    )
    assert response.status_code == 302
    assert list(Bookmark.objects.filter(user=owner).values_list("article_id", flat=True)) == [
        kept.pk
    ]
    client.force_login(other)
    html = client.get(reverse("engagement:bookmarks")).content.decode()
    assert kept.title not in html


def test_malformed_cursor_is_the_first_page(client):
    user = UserFactory()
    _saved(user, 2)
    client.force_login(user)
    for cursor in ("abc", "1_", "99999999999999999_1", "-1_2"):
        response = client.get(reverse("engagement:bookmarks"), {"after": cursor})
        assert response.status_code == 200


def test_bookmarks_page_query_count_is_flat(client, django_assert_max_num_queries):
    user = UserFactory()
    _saved(user, 3)
    client.force_login(user)
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("engagement:bookmarks"))
    _saved(user, 40)
    with django_assert_max_num_queries(4) as many:
        response = client.get(reverse("engagement:bookmarks"))
    assert len(many) == len(few)
    assert "更早的收藏" in response.content.decode()


def test_bookmarks_and_history_rows_share_one_include(client):
    """One row markup for 我的收藏 and 阅读历史 (templates/includes/reader_entry.html)."""

    from openhao.ranking import services as ranking

    user = UserFactory()
    article = ArticleFactory()
    services.bookmark_set(user=user, article=article, saved=True)
    ranking.read_history_record(entries=[(user.pk, article.pk, timezone.now().timestamp())])
    client.force_login(user)
    rows = []
    for url in (reverse("engagement:bookmarks"), reverse("history:list")):
        response = client.get(url)
        assert "includes/reader_entry.html" in [t.name for t in response.templates]
        html = response.content.decode()
        row = html[
            html.index('<li class="entry') : html.index("</li>", html.index('<li class="entry'))
        ]
        assert article.title in row and article.creator.display_name in row
        assert '<input type="hidden" name="next"' in row
        rows.append(row)
    assert 'name="action" value="remove"' in rows[0] and 'name="action"' not in rows[1]
    assert "收藏于" in rows[0] and "取消收藏" in rows[0] and "删除" in rows[1]
