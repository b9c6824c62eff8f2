"""跟贴 sorted by 最热 / 最新 (links that work with htmx and without JavaScript), and 精选: the
article's author pins up to three comments, shown first with a mark."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import selectors, services
from openhao.engagement.models import Comment

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article():
    return ArticleFactory(creator=CreatorFactory(display_name="写文章的人"))


@pytest.fixture
def author(article):
    return article.creator.user


def _url(article, **query) -> str:
    url = reverse("engagement:comments", args=[article.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _comments(article, n, votes=()):
    made = [
        services.comment_create(user=UserFactory(), article=article, body=f"第{i}条跟贴")
        for i in range(n)
    ]
    for comment, count in zip(made, votes, strict=False):
        for _ in range(count):
            services.comment_vote(user=UserFactory(), comment=comment)
    return made


def _list(html: str) -> str:
    return html[html.index('class="new-comments"') :]


# --- sorting ------------------------------------------------------------------------------


def test_hot_sort_orders_threads_by_votes(client, article):
    quiet, popular, middling = _comments(article, 3, votes=(0, 5, 2))
    newest = _list(client.get(_url(article), **HX).content.decode())
    assert newest.index("第2条") < newest.index("第1条") < newest.index("第0条")
    hottest = _list(client.get(_url(article, sort="hot"), **HX).content.decode())
    assert hottest.index("第1条") < hottest.index("第2条") < hottest.index("第0条")
    page, threads = selectors.comment_threads(article.pk, 1, sort="hot")
    assert [t.comment.pk for t in threads] == [popular.pk, middling.pk, quiet.pk]


def test_sort_links_work_with_htmx_and_without_javascript(client, article):
    _comments(article, 2)
    html = client.get(_url(article, sort="hot"), **HX).content.decode()
    for url, label in ((_url(article, sort="hot"), "最热"), (_url(article), "最新")):
        assert f'href="{url}"' in html and f'hx-get="{url}"' in html and label in html
    assert 'id="comment-sort-hot" aria-current="true"' in html
    # Without JavaScript the link opens the full comments page in that order.
    page = client.get(_url(article, sort="hot"))
    assert page.status_code == 200
    assert "<!doctype html>" in page.content.decode().lower()
    assert 'id="comment-sort-hot" aria-current="true"' in page.content.decode()


def test_pagination_keeps_the_sort(client, article):
    user = UserFactory()
    for i in range(selectors.COMMENTS_PER_PAGE + 1):
        Comment.objects.create(article=article, user=user, body=f"编号{i}", body_html=f"编号{i}")
    html = client.get(_url(article, sort="hot"), **HX).content.decode()
    assert f'href="{_url(article)}?sort=hot&amp;page=2"' in html


def test_unknown_sort_is_newest(client, article):
    _comments(article, 1)
    assert 'id="comment-sort-new" aria-current="true"' in (
        client.get(_url(article, sort="<script>"), **HX).content.decode()
    )


def test_anonymous_blocks_are_cached_per_sort(client, article, django_assert_max_num_queries):
    _comments(article, 3, votes=(0, 3, 1))
    new = client.get(_url(article), **HX).content
    hot = client.get(_url(article, sort="hot"), **HX).content
    assert new != hot
    with django_assert_max_num_queries(1):  # the article's primary-key lookup only
        assert client.get(_url(article, sort="hot"), **HX).content == hot


def test_the_article_page_stays_cacheable(client, article):
    _comments(article, 1)
    first = client.get(article.get_absolute_url())
    assert "public" in first["Cache-Control"]
    assert "comment-sort" not in first.content.decode()  # the sort lives in the fragment


# --- 精选 (pins) ---------------------------------------------------------------------------


def test_the_author_pins_up_to_three(article, author):
    comments = _comments(article, 4)
    for comment in comments[:3]:
        assert services.comment_pin(user=author, comment=comment) is True
    assert services.comment_pin(user=author, comment=comments[0]) is False  # already pinned
    with pytest.raises(ValidationError) as refused:
        services.comment_pin(user=author, comment=comments[3])
    assert "最多精选 3 条跟贴" in refused.value.messages[0]
    assert [c.pk for c in selectors.pinned_comments(article.pk)] == [c.pk for c in comments[:3]]
    assert services.comment_unpin(user=author, comment=comments[1]) is True
    assert services.comment_pin(user=author, comment=comments[3]) is True


def test_only_the_author_may_pin(article, author):
    comment = _comments(article, 1)[0]
    for someone in (comment.user, UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            services.comment_pin(user=someone, comment=comment)
    services.comment_pin(user=author, comment=comment)
    with pytest.raises(PermissionDenied):
        services.comment_unpin(user=comment.user, comment=comment)


def test_a_deleted_comment_cannot_be_pinned_and_deleting_frees_the_slot(article, author):
    comments = _comments(article, 4)
    for comment in comments[:3]:
        services.comment_pin(user=author, comment=comment)
    services.comment_delete(user=comments[0].user, comment=comments[0])
    with pytest.raises(ValidationError):
        services.comment_pin(user=author, comment=Comment.objects.get(pk=comments[0].pk))
    assert services.comment_pin(user=author, comment=comments[3]) is True


def test_pinned_comments_come_first_with_a_mark(client, article, author):
    comments = _comments(article, 3, votes=(0, 4, 0))
    services.comment_pin(user=author, comment=comments[0])
    html = client.get(_url(article), **HX).content.decode()
    assert html.index("精选跟贴") < html.index("热门跟贴") < html.index("最新跟贴")
    pinned = html[html.index("精选跟贴") : html.index("热门跟贴")]
    assert "第0条跟贴" in pinned and 'class="tag-pinned"' in pinned
    assert html.count('class="tag-pinned"') == 2  # in 精选 and at its place in the list


def test_pin_over_http_with_htmx_and_without(client, article, author):
    comments = _comments(article, 4)
    url = reverse("engagement:comment-pin", args=[comments[0].pk])
    client.force_login(comments[1].user)
    assert client.post(url, {"action": "pin"}).status_code == 403
    assert "精选" not in client.get(_url(article), **HX).content.decode().split("最新跟贴")[1]

    client.force_login(author)
    block = client.get(_url(article), **HX).content.decode()
    assert f'id="pin-{comments[0].pk}"' in block and ">精选</button>" in block
    response = client.post(url, {"action": "pin", "sort": "new"}, **HX)
    assert response.status_code == 200 and "取消精选" in response.content.decode()
    response = client.post(
        reverse("engagement:comment-pin", args=[comments[1].pk]), {"action": "pin"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(_url(article))
    services.comment_pin(user=author, comment=comments[2])
    refused = client.post(
        reverse("engagement:comment-pin", args=[comments[3].pk]), {"action": "pin"}, **HX
    )
    assert refused.status_code == 400 and "最多精选 3 条跟贴" in refused.content.decode()
    assert refused["HX-Retarget"] == "#flash"
    client.post(url, {"action": "unpin"}, **HX)
    assert Comment.objects.get(pk=comments[0].pk).pinned_at is None


def test_pins_refresh_the_anonymous_block(
    client, article, author, django_capture_on_commit_callbacks
):
    comment = _comments(article, 1)[0]
    assert "精选跟贴" not in client.get(_url(article), **HX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_pin(user=author, comment=comment)
    assert "精选跟贴" in client.get(_url(article), **HX).content.decode()


def test_comments_block_queries_with_pins_and_sort(
    client, article, author, django_assert_max_num_queries
):
    comments = _comments(article, 30, votes=[i % 3 for i in range(30)])
    for comment in comments[:3]:
        services.comment_pin(user=author, comment=comment)
    client.force_login(author)
    with django_assert_max_num_queries(10):
        assert client.get(_url(article, sort="hot"), **HX).status_code == 200
    client.logout()
    with django_assert_max_num_queries(7):
        assert client.get(_url(article, sort="hot")).status_code == 200
