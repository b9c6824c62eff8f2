"""Public reads: filters, cursor pages stable under inserts, the page-size cap, threaded
comments, ETags, problem responses, flat query counts, and nothing private in any answer."""

from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.tests.factories import (
    ArticleFactory,
    ChannelFactory,
    ReferenceFactory,
    TopicFactory,
)
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import services as engagement_services

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_list_and_filters(client):
    channel, other = ChannelFactory(), ChannelFactory()
    topic = TopicFactory(name="城市跑步")
    creator = CreatorFactory()
    a = ArticleFactory(channel=channel, creator=creator, topics=[topic])
    b = ArticleFactory(channel=other)
    old = ArticleFactory(channel=other, published_at=timezone.now() - timedelta(days=30))
    assert ids(client.get("/api/v1/articles")) == [a.pk, b.pk, old.pk]
    assert ids(client.get(f"/api/v1/articles?channel={channel.slug}")) == [a.pk]
    assert ids(client.get(f"/api/v1/articles?creator={creator.pk}")) == [a.pk]
    assert ids(client.get("/api/v1/articles?topic=城市跑步")) == [a.pk]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(client.get("/api/v1/articles", {"since": since})) == [a.pk, b.pk]
    # Any offset Python accepts, at any year: PostgreSQL refuses offsets past 15:59 and the
    # ends of the calendar can leave it when moved to UTC (found by the schema fuzz test).
    for odd in ("0977-04-05T23:56:10+21:37", "0001-01-01T00:00:00+21:00", "9999-12-31T23:59-21:00"):
        found = ids(client.get("/api/v1/articles", {"since": odd}))
        assert found == ([] if odd.startswith("9999") else [a.pk, b.pk, old.pk])
    recent = (timezone.now() - timedelta(days=1)).astimezone(dt_timezone(timedelta(hours=21)))
    assert ids(client.get("/api/v1/articles", {"since": recent.isoformat()})) == [a.pk, b.pk]
    response = client.get("/api/v1/articles?channel=no-such")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "请求的内容不存在。"


def test_cursor_pages_are_stable_under_inserts(client):
    articles = [ArticleFactory() for _ in range(5)]  # newest first: articles[0]
    first = client.get("/api/v1/articles?limit=2").json()
    assert [i["id"] for i in first["items"]] == [articles[0].pk, articles[1].pk]
    ArticleFactory(published_at=timezone.now())  # a new article arrives meanwhile
    second = client.get(f"/api/v1/articles?limit=2&cursor={first['next_cursor']}").json()
    assert [i["id"] for i in second["items"]] == [articles[2].pk, articles[3].pk]
    last = client.get(f"/api/v1/articles?limit=2&cursor={second['next_cursor']}").json()
    assert [i["id"] for i in last["items"]] == [articles[4].pk] and last["next_cursor"] is None


def test_same_time_articles_are_neither_lost_nor_repeated(client):
    moment = timezone.now() - timedelta(hours=1)
    articles = [ArticleFactory(published_at=moment) for _ in range(5)]
    seen, cursor = [], ""
    while True:
        page = client.get("/api/v1/articles", {"limit": 2, "cursor": cursor}).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(a.pk for a in articles) and len(seen) == 5


def test_page_size_is_capped_and_bad_cursors_are_422(client):
    for query in ("limit=51", "limit=0", "limit=x", "cursor=garbage", "since=yesterday"):
        response = client.get(f"/api/v1/articles?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["status"] == 422 and body["title"] == "参数无效" and body["detail"]
        assert response["Content-Type"].startswith("application/problem+json")


def test_no_draft_pending_scheduled_or_removed_article_is_shown(client):
    public = ArticleFactory()
    hidden = [
        ArticleFactory(status=Article.Status.DRAFT, published_at=None),
        ArticleFactory(status=Article.Status.PENDING, published_at=None),
        ArticleFactory(status=Article.Status.SCHEDULED, published_at=None),
        ArticleFactory(status=Article.Status.REMOVED),
        ArticleFactory(deleted_at=timezone.now()),
    ]
    assert ids(client.get("/api/v1/articles")) == [public.pk]
    assert ids(client.get(f"/api/v1/articles?creator={hidden[0].creator_id}")) == []
    for article in hidden:
        for url in (
            f"/api/v1/articles/{article.pk}",
            f"/api/v1/articles/{article.pk}/comments",
            f"/api/v1/articles/{article.pk}/related",
        ):
            assert client.get(url).status_code == 404, (article.status, url)
    assert client.get(f"/api/v1/articles/{public.pk}").status_code == 200


def test_detail_has_body_topics_and_references(client):
    article = ArticleFactory(topics=[TopicFactory(name="春雨")])
    ReferenceFactory(article=article, title="江南志", url="https://example.org/a")
    body = client.get(f"/api/v1/articles/{article.pk}").json()
    assert body["body_html"].startswith("<h2>") and body["topics"] == ["春雨"]
    assert body["references"][0]["title"] == "江南志"
    assert body["creator"]["display_name"] == article.creator.display_name


def test_no_answer_holds_an_email_or_private_field(client, article):
    reader = UserFactory(email="secret-reader@example.com")
    engagement_services.comment_create(user=reader, article=article, body="写得好")
    urls = [
        "/api/v1/articles",
        f"/api/v1/articles/{article.pk}",
        f"/api/v1/articles/{article.pk}/comments",
        f"/api/v1/creators/{article.creator_id}",
        "/api/v1/creators",
        "/api/v1/hot",
        "/api/openapi.json",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        for secret in ("@example.com", "password", "history_paused", reader.username):
            assert secret not in text, (url, secret)


def test_comments_are_threaded_and_deleted_ones_hide_their_text(client, article):
    reader, other = UserFactory(), UserFactory()
    root = engagement_services.comment_create(user=reader, article=article, body="第一楼")
    reply = engagement_services.comment_create(
        user=other, article=article, body="回复一楼", parent=root
    )
    engagement_services.comment_create(user=reader, article=article, body="回复回复", parent=reply)
    gone = engagement_services.comment_create(user=other, article=article, body="要删的话")
    engagement_services.comment_delete(user=other, comment=gone)
    body = client.get(f"/api/v1/articles/{article.pk}/comments").json()
    threads = {t["comment"]["id"]: t for t in body["items"]}
    assert threads[root.pk]["reply_count"] == 2
    assert [r["parent_id"] for r in threads[root.pk]["replies"]] == [root.pk, reply.pk]
    assert threads[root.pk]["comment"]["author"]["name"] == reader.public_name
    deleted = threads[gone.pk]["comment"]
    assert deleted["is_deleted"] and deleted["author"] is None and "要删" not in str(deleted)
    replies = client.get(f"/api/v1/comments/{root.pk}/replies").json()
    assert len(replies["items"]) == 2


def test_etag_and_if_none_match(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}")
    etag = response["ETag"]
    assert etag.startswith('"')
    again = client.get(f"/api/v1/articles/{article.pk}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    Article.objects.filter(pk=article.pk).update(title="改过的标题改过的")
    from openhao.common.cache import article_tag, bump_tags

    bump_tags(article_tag(article.pk))
    changed = client.get(f"/api/v1/articles/{article.pk}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    listing = client.get("/api/v1/articles")
    assert client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_errors_are_problems(client):
    for url, status in (
        ("/api/v1/no-such-endpoint", 404),
        ("/api/v1/articles/999999", 404),
        ("/api/v1/me/feed", 401),
        ("/api/v1/search", 422),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Type"].startswith("application/problem+json"), url
        body = response.json()
        assert set(body) >= {"type", "title", "status", "detail", "instance"}
        assert body["status"] == status and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])


def test_a_server_error_is_a_problem_too(client, monkeypatch):
    from openhao.api import selectors

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "articles_page", boom)
    response = client.get("/api/v1/articles")
    assert response.status_code == 500
    assert response.json()["detail"] == "服务器内部错误，请稍后再试。"


def test_rate_limit_per_address_answers_429_with_retry_after(client, settings):
    settings.OPENHAO_API_RATE_IP = "3/m"
    for _ in range(3):
        assert client.get("/api/v1/channels").status_code == 200
    response = client.get("/api/v1/channels")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"] == "请求过于频繁，请稍后再试。"


def test_rate_limit_per_token(client, reader, bearer, settings):
    settings.OPENHAO_API_RATE_TOKEN = "2/m"
    headers = bearer(reader, "read")
    for _ in range(2):
        assert client.get("/api/v1/channels", headers=headers).status_code == 200
    assert client.get("/api/v1/channels", headers=headers).status_code == 429
    # Another token (or none) of the same address is not held back by this one's limit.
    assert client.get("/api/v1/channels").status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles?limit=50",
        "/api/v1/articles?topic=计数&limit=50",
        "/api/v1/creators?limit=50",
        "/api/v1/channels?limit=50",
        "/api/v1/topics?limit=50",
        "/api/v1/hot?limit=20",
        "/api/v1/search?q=计数&limit=50",
        "/api/v1/articles/{pk}/comments?limit=50",
    ],
)
def test_list_query_counts_are_flat(client, url):
    topic = TopicFactory(name="计数")
    first = ArticleFactory(topics=[topic])
    engagement_services.comment_create(user=UserFactory(), article=first, body="楼")
    small = _count(client, url.format(pk=first.pk))
    for _ in range(8):
        article = ArticleFactory(topics=[topic], channel=ChannelFactory())
        TopicFactory()
        root = engagement_services.comment_create(user=UserFactory(), article=first, body="楼")
        engagement_services.comment_create(
            user=UserFactory(), article=first, body="回", parent=root
        )
        assert article
    large = _count(client, url.format(pk=first.pk))
    assert large <= small, url  # never more with more rows (a Redis hot list may cost less)
    assert large <= 4, url


def test_schema_and_docs_pages(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/articles" in schema["paths"] and "/api/v1/studio/articles" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/api/openapi.json" in docs.content
    # Swagger UI comes from our static files, not a CDN (the CSP allows 'self' only).
    assert b"cdn." not in docs.content


def test_a_method_without_an_operation_is_a_405_problem(client):
    response = client.delete("/api/v1/articles")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "该地址不支持这种请求方法。"


def test_wrong_tokens_count_against_the_address(client, settings):
    settings.OPENHAO_API_RATE_IP = "2/m"
    for _ in range(2):
        assert client.get("/api/v1/channels", HTTP_AUTHORIZATION="Bearer oh_x").status_code == 401
    assert client.get("/api/v1/channels", HTTP_AUTHORIZATION="Bearer oh_x").status_code == 429


def test_list_and_detail_bodies_are_what_their_schemas_make(client):
    """The list and the detail build their bodies as plain dicts (schemas.article_items,
    schemas.article_detail): the same JSON as the schemas make from the model instances."""
    from openhao.api import schemas
    from openhao.api.api import api
    from openhao.articles import selectors as article_selectors

    creator = CreatorFactory(verified=True)
    Creator = type(creator)
    Creator.objects.filter(pk=creator.pk).update(avatar="avatars/2026/12/a.png")
    with_cover = ArticleFactory(creator=creator, topics=[TopicFactory(name="封面")])
    Article.objects.filter(pk=with_cover.pk).update(
        cover="covers/2026/12/c.jpg", cover_alt="雨中的小城", comment_count=3, view_count=7
    )
    ReferenceFactory(article=with_cover, title="来源一", source="某报", url="https://example.com/")
    plain = ArticleFactory(published_at=timezone.now() - timedelta(hours=1))

    def rendered(data):
        return api.renderer.render(None, data, response_status=200).encode()

    rows = article_selectors.list_queryset().order_by("-published_at", "-pk")
    expected = [schemas.ArticleItem.from_orm(a).model_dump() for a in rows]
    assert [i["id"] for i in expected] == [with_cover.pk, plain.pk]
    assert expected[0]["cover"] and expected[0]["creator"]["avatar"]
    response = client.get("/api/v1/articles")
    assert response.content == rendered({"items": expected, "next_cursor": None})

    page = article_selectors.article_page_get(with_cover.pk)
    body = schemas.article_detail(page.article, page.topics, page.references)
    base = schemas.ArticleItem.from_orm(page.article).model_dump()
    assert {k: body[k] for k in base} == base
    assert body["topics"] == ["封面"] and body["references"][0]["source"] == "某报"
    assert client.get(f"/api/v1/articles/{with_cover.pk}").content == rendered(body)
