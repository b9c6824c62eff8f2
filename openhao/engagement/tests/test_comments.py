"""跟贴: threads, 顶, 热门跟贴, soft delete, limits, sanitising, counts and bounded queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import selectors, services
from openhao.engagement.models import Comment, CommentVote

from .factories import CommentFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _count(article) -> int:
    return Article.objects.get(pk=article.pk).comment_count


def _url(article) -> str:
    return reverse("engagement:comments", args=[article.pk])


def test_comment_and_reply_keep_the_count_and_the_thread():
    article = ArticleFactory(comment_count=0)
    alice, bob = UserFactory(), UserFactory()
    top = services.comment_create(user=alice, article=article, body="第一条")
    reply = services.comment_create(user=bob, article=article, body="回复", parent=top)
    deeper = services.comment_create(user=alice, article=article, body="再回复", parent=reply)
    assert (reply.root_id, reply.depth) == (top.pk, 1)
    assert (deeper.root_id, deeper.depth) == (top.pk, 2)
    assert _count(article) == 3 == selectors.visible_comment_count(article.pk)
    page, threads = selectors.comment_threads(article.pk, 1)
    assert [t.comment.pk for t in threads] == [top.pk]
    assert threads[0].replies[0].comment.pk == reply.pk
    assert [c.pk for c in threads[0].replies[0].deeper] == [deeper.pk]


@pytest.mark.parametrize("body", ["", "   \n  ", "\u200b\u200b"])
def test_empty_comment_is_rejected_without_a_row(body):
    article = ArticleFactory(comment_count=0)
    with pytest.raises(ValidationError, match="不能为空"):
        services.comment_create(user=UserFactory(), article=article, body=body)
    assert not Comment.objects.exists() and _count(article) == 0


def test_a_10000_character_comment_is_rejected_over_http_with_a_message(client):
    article = ArticleFactory(comment_count=0)
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "长" * 10_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不能超过 1000 字" in html
    assert "长" * 10_000 + "</textarea>" in html  # nothing typed is lost
    assert not Comment.objects.exists() and _count(article) == 0


def test_empty_comment_over_http_keeps_the_form_and_says_why(client):
    article = ArticleFactory(comment_count=0)
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "  "}, **HX)
    assert response.status_code == 400
    assert "跟贴内容不能为空" in response.content.decode()
    assert not Comment.objects.exists()


def test_script_comment_renders_inert_and_links_are_safe(client):
    article = ArticleFactory(comment_count=0)
    services.comment_create(
        user=UserFactory(),
        article=article,
        body='<script>alert("x")</script> 看 https://example.com/a?b=1 和 javascript:alert(1)',
    )
    html = client.get(_url(article), **HX).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://example.com/a?b=1" rel="nofollow ugc noopener noreferrer">' in html
    assert 'href="javascript' not in html


def test_anonymous_writes_are_sent_to_sign_in(client):
    article = ArticleFactory(comment_count=0)
    comment = CommentFactory(article=article)
    for url in (
        _url(article),
        reverse("engagement:comment-vote", args=[comment.pk]),
        reverse("engagement:comment-delete", args=[comment.pk]),
    ):
        response = client.post(url, {"body": "hi"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert Comment.objects.count() == 1 and not CommentVote.objects.exists()


def test_post_without_javascript_redirects_to_the_comment(client):
    article = ArticleFactory(comment_count=0)
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "不用脚本也能跟贴"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{_url(article)}#comment-{comment.pk}"
    page = client.get(response.url)
    assert (
        "不用脚本也能跟贴" in page.content.decode()
        and 'class="site-header"' in page.content.decode()
    )


def test_post_with_htmx_returns_the_block_and_the_new_count(client):
    article = ArticleFactory(comment_count=0)
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "htmx 跟贴"}, **HX)
    html = response.content.decode()
    assert 'id="comments-block"' in html and "htmx 跟贴" in html
    assert '<span hx-swap-oob="innerHTML:.comment-count">1</span>' in html
    assert "no-store" in response["Cache-Control"]


def test_only_the_author_can_delete_and_deletion_is_soft(client):
    article = ArticleFactory(comment_count=0)
    author, other = UserFactory(), UserFactory()
    top = services.comment_create(user=author, article=article, body="要删的")
    reply = services.comment_create(user=other, article=article, body="留下的回复", parent=top)
    with pytest.raises(PermissionDenied):
        services.comment_delete(user=other, comment=top)
    client.force_login(other)
    response = client.post(reverse("engagement:comment-delete", args=[top.pk]))
    assert response.status_code == 403 and "只能删除自己的跟贴" in response.content.decode()
    client.force_login(author)
    client.post(reverse("engagement:comment-delete", args=[top.pk]))
    assert services.comment_delete(user=author, comment=top) is False  # idempotent
    top.refresh_from_db()
    assert top.is_deleted and Comment.objects.filter(pk=reply.pk).exists()
    assert _count(article) == 1 == selectors.visible_comment_count(article.pk)
    html = client.get(_url(article), **HX).content.decode()
    assert "要删的" not in html and "该跟贴已被作者删除" in html and "留下的回复" in html


def test_vote_once_per_user_and_not_on_your_own():
    comment = services.comment_create(user=UserFactory(), article=ArticleFactory(), body="值得一顶")
    voter = UserFactory()
    assert services.comment_vote(user=voter, comment=comment) is True
    assert services.comment_vote(user=voter, comment=comment) is False
    with pytest.raises(PermissionDenied):
        services.comment_vote(user=comment.user, comment=comment)
    comment.refresh_from_db()
    assert comment.vote_count == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVote.objects.create(user=voter, comment=comment)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_vote_counts_once(race):
    comment = services.comment_create(user=UserFactory(), article=ArticleFactory(), body="并发")
    voter = UserFactory()
    results, errors = race(lambda: services.comment_vote(user=voter, comment=comment))
    assert errors == [] and sorted(results) == [False, False, False, True]
    comment.refresh_from_db()
    assert comment.vote_count == 1


def test_vote_over_http_with_htmx_and_without(client):
    comment = services.comment_create(user=UserFactory(), article=ArticleFactory(), body="顶我")
    client.force_login(UserFactory())
    url = reverse("engagement:comment-vote", args=[comment.pk])
    response = client.post(url, **HX)
    assert "已顶" in response.content.decode() and ">1<" in response.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.vote_count == 1


def test_hot_comments_come_first_by_votes(client):
    article = ArticleFactory()
    quiet = services.comment_create(user=UserFactory(), article=article, body="没人顶")
    popular = services.comment_create(user=UserFactory(), article=article, body="大家都顶")
    for _ in range(3):
        services.comment_vote(user=UserFactory(), comment=popular)
    services.comment_vote(user=UserFactory(), comment=quiet)
    hot = selectors.hot_comments(article.pk)
    assert [c.pk for c in hot] == [popular.pk, quiet.pk]
    html = client.get(_url(article), **HX).content.decode()
    assert html.index("热门跟贴") < html.index("最新跟贴")


def test_deeper_replies_are_collapsed(client):
    article = ArticleFactory()
    top = services.comment_create(user=UserFactory(), article=article, body="楼主")
    level1 = services.comment_create(user=UserFactory(), article=article, body="一楼", parent=top)
    level2 = services.comment_create(
        user=UserFactory(), article=article, body="二楼", parent=level1
    )
    services.comment_create(user=UserFactory(), article=article, body="三楼", parent=level2)
    html = client.get(_url(article), **HX).content.decode()
    details = html.index('<details class="deeper"')
    assert html.index("一楼") < details < html.index("二楼") < html.index("三楼")
    assert "展开 2 条回复" in html


def test_comments_are_paginated(client):
    article = ArticleFactory()
    user = UserFactory()
    for i in range(selectors.COMMENTS_PER_PAGE + 3):
        CommentFactory(article=article, user=user, body=f"编号{i:03d}")
    first = client.get(_url(article), **HX).content.decode()
    second = client.get(_url(article) + "?page=2", **HX).content.decode()
    assert "编号022" in first and "编号000" not in first
    assert "编号000" in second and "第 2 / 2 页" in second


def test_article_page_is_cached_without_comments_and_links_to_them(client):
    article = ArticleFactory(comment_count=0)
    user = UserFactory()
    services.comment_create(user=user, article=article, body="不进缓存的跟贴")
    client.force_login(user)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "不进缓存的跟贴" not in html
    assert f'hx-get="{_url(article)}"' in html and f'href="{_url(article)}"' in html


def test_comment_count_on_the_article_page_follows_comments(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(comment_count=0)
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        first = services.comment_create(user=UserFactory(), article=article, body="一")
        services.comment_create(user=UserFactory(), article=article, body="二")
    assert (
        '<span class="comment-count">2</span>'
        in client.get(article.get_absolute_url()).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_delete(user=first.user, comment=first)
    assert (
        '<span class="comment-count">1</span>'
        in client.get(article.get_absolute_url()).content.decode()
    )


def test_comments_on_an_unpublished_article_are_404(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(_url(article)).status_code == 404


def test_comments_block_queries_are_bounded_with_200_comments(
    client, django_assert_max_num_queries
):
    article = ArticleFactory()
    users = UserFactory.create_batch(20)
    tops = [
        services.comment_create(user=users[i % 20], article=article, body=f"顶楼{i}")
        for i in range(60)
    ]
    parents = tops[:20]
    for i in range(140):
        parent = services.comment_create(
            user=users[(i + 1) % 20], article=article, body=f"回复{i}", parent=parents[i % 20]
        )
        parents[i % 20] = parent  # builds chains deeper than two levels
        if i % 7 == 0:
            services.comment_vote(user=users[(i + 2) % 20], comment=parent)
    assert _count(article) == 200
    client.force_login(users[0])
    with django_assert_max_num_queries(9):
        response = client.get(_url(article), **HX)
    assert response.status_code == 200
    client.logout()
    with django_assert_max_num_queries(7):  # 精选 is one query of its own
        response = client.get(_url(article))
    assert response.status_code == 200


@pytest.mark.parametrize("rate", ["2/m/user"])
def test_commenting_is_rate_limited_with_429(client, settings, rate):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "comment": rate}
    article = ArticleFactory(comment_count=0)
    client.force_login(UserFactory())
    for i in range(2):
        client.post(_url(article), {"body": f"第{i}条"})
    response = client.post(_url(article), {"body": "太快了"})
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    htmx = client.post(_url(article), {"body": "太快了"}, **HX)
    assert htmx.status_code == 429 and htmx["HX-Retarget"] == "#flash"
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "写得真好，https://example.com/more，值得一看",
            '写得真好，<a href="https://example.com/more" rel="nofollow ugc noopener noreferrer">'
            "https://example.com/more</a>，值得一看",
        ),
        (
            "见 http://a.cn/x.",
            '见 <a href="http://a.cn/x" rel="nofollow ugc noopener noreferrer">http://a.cn/x</a>.',
        ),
        ('"><img src=x onerror=alert(1)>', '"&gt;&lt;img src=x onerror=alert(1)&gt;'),
        ("第一行\n第二行", "第一行<br>第二行"),
        ("javascript:alert(1) ftp://x", "javascript:alert(1) ftp://x"),
    ],
)
def test_render_comment(text, expected):
    from openhao.engagement.text import render_comment

    assert render_comment(text) == expected


def test_anonymous_block_is_shared_and_refreshed_by_comments_and_votes(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    comment = services.comment_create(user=UserFactory(), article=article, body="共享的跟贴")
    first = client.get(_url(article), **HX)
    assert (
        "共享的跟贴" in first.content.decode()
        and "csrfmiddlewaretoken" not in first.content.decode()
    )
    assert "private" in first["Cache-Control"]
    with django_assert_max_num_queries(1):  # the article's primary-key lookup only
        again = client.get(_url(article), **HX)
    assert again.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_vote(user=UserFactory(), comment=comment)
    assert "热门跟贴" in client.get(_url(article), **HX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=UserFactory(), article=article, body="新来的跟贴")
    assert "新来的跟贴" in client.get(_url(article), **HX).content.decode()


def test_a_rejected_reply_reopens_its_form_with_the_text_and_message(client):
    article = ArticleFactory()
    top = services.comment_create(user=UserFactory(), article=article, body="楼主")
    client.force_login(UserFactory())
    too_long = "字" * 1001
    response = client.post(_url(article), {"body": too_long, "parent": top.pk}, **HX)
    html = response.content.decode()
    assert response.status_code == 400
    assert '<details class="reply" open>' in html
    assert too_long + "</textarea>" in html and "不能超过 1000 字" in html
    assert Comment.objects.count() == 1


def test_cannot_reply_to_a_deleted_comment(client):
    article = ArticleFactory()
    top = services.comment_create(user=UserFactory(), article=article, body="楼主")
    services.comment_delete(user=top.user, comment=top)
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "还在吗", "parent": top.pk})
    assert response.status_code == 400 and "已删除" in response.content.decode()


def test_the_article_page_costs_the_same_queries_with_200_comments(client, settings):
    settings.OPENHAO_PAGE_CACHE_ENABLED = False
    article = ArticleFactory()
    client.get(article.get_absolute_url())  # warm the shared fragments
    with CaptureQueriesContext(connection) as without:
        client.get(article.get_absolute_url())
    users = UserFactory.create_batch(10)
    CommentFactory.create_batch(200, article=article, user=users[0])
    with CaptureQueriesContext(connection) as with_comments:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert len(with_comments) == len(without)


@pytest.mark.parametrize(
    "parent", ["abc", "1e5", "1.0", "0x10", "1'", "%00", "-1", "1 2", "99999999999999999999999"]
)
def test_a_malformed_parent_is_a_400_with_a_message_and_keeps_the_text(client, parent):
    article = ArticleFactory()
    services.comment_create(user=UserFactory(), article=article, body="楼主")
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "我的回复内容", "parent": parent}, **HX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "回复的跟贴不存在" in html and "我的回复内容</textarea>" in html
    assert Comment.objects.count() == 1


def test_a_reply_to_another_articles_comment_is_a_400_and_keeps_the_text(client):
    elsewhere = services.comment_create(user=UserFactory(), article=ArticleFactory(), body="别处")
    article = ArticleFactory()
    client.force_login(UserFactory())
    response = client.post(_url(article), {"body": "我的回复内容", "parent": elsewhere.pk})
    assert response.status_code == 400
    assert "回复的跟贴不存在" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("target", ["abc", "-1", "1e5", "javascript:alert(1)"])
def test_vote_and_delete_with_a_next_that_is_not_a_local_url(client, target):
    article = ArticleFactory()
    top = services.comment_create(user=UserFactory(), article=article, body="楼主")
    mine = services.comment_create(user=UserFactory(), article=article, body="我的")
    client.force_login(mine.user)
    vote = client.post(reverse("engagement:comment-vote", args=[top.pk]), {"next": target})
    assert vote.status_code == 302 and vote["Location"].startswith(_url(article))
    delete = client.post(reverse("engagement:comment-delete", args=[mine.pk]), {"next": target})
    assert delete.status_code == 302 and delete["Location"] == _url(article)


def test_safe_next_keeps_local_paths_and_same_site_urls(rf):
    from openhao.common.views import safe_next

    assert safe_next(rf.get("/", {"next": "/hao/?page=2"})) == "/hao/?page=2"
    assert safe_next(rf.get("/", {"next": "http://testserver/hao/"})) == "http://testserver/hao/"
    for bad in ("abc", "https://evil.example/", "//evil.example/", "/\\evil.example", "mailto:a@b"):
        assert safe_next(rf.get("/", {"next": bad}), "/x/") == "/x/"
