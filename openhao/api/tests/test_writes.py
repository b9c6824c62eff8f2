"""Writes through the API use the site's services and rules: comment checks and limits, CSRF
for session writes, follow/like/vote state, and the studio's drafts, sanitising, 先审后发 and
publishing checks."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement.models import ArticleLike, Comment, Follow

pytestmark = pytest.mark.django_db

BODY = "<p>" + "春天来了，小城的雨一直下。" * 30 + "</p>"


def test_comment_and_reply_with_a_token(client, reader, bearer, article):
    headers = bearer(reader, "write")
    url = f"/api/v1/articles/{article.pk}/comments"
    response = client.post(
        url, {"body": "写得真好"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    root = response.json()
    assert root["author"]["name"] == reader.public_name and root["depth"] == 0
    reply = client.post(
        url,
        {"body": "同意", "parent_id": root["id"]},
        content_type="application/json",
        headers=headers,
    ).json()
    assert reply["parent_id"] == root["id"] and reply["depth"] == 1
    article.refresh_from_db()
    assert article.comment_count == 2
    # The service's own checks: an empty text, a parent of another article.
    empty = client.post(url, {"body": "  "}, content_type="application/json", headers=headers)
    assert empty.status_code == 422 and empty.json()["detail"] == "跟贴内容不能为空。"
    other = Comment.objects.create(article=ArticleFactory(), user=reader, body="别处")
    wrong = client.post(
        url, {"body": "x", "parent_id": other.pk}, content_type="application/json", headers=headers
    )
    assert wrong.status_code == 422


def test_comment_on_a_draft_is_404(client, reader, bearer):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    response = client.post(
        f"/api/v1/articles/{draft.pk}/comments",
        {"body": "hi"},
        content_type="application/json",
        headers=bearer(reader, "write"),
    )
    assert response.status_code == 404


def test_the_sites_comment_limit_applies(client, reader, bearer, article, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "comment": "2/m/user"}
    headers = bearer(reader, "write")
    url = f"/api/v1/articles/{article.pk}/comments"
    for _ in range(2):
        assert (
            client.post(
                url, {"body": "一"}, content_type="application/json", headers=headers
            ).status_code
            == 201
        )
    response = client.post(url, {"body": "三"}, content_type="application/json", headers=headers)
    assert response.status_code == 429 and response["Retry-After"]


def test_session_writes_need_csrf(reader, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    url = f"/api/v1/articles/{article.pk}/like"
    response = client.put(url)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    client.get("/accounts/profile/")
    token = client.cookies["csrftoken"].value
    assert client.put(url, headers={"X-CSRFToken": token}).status_code == 200
    assert ArticleLike.objects.filter(user=reader, article=article).exists()
    # Reads with the session need no token.
    assert client.get("/api/v1/me/feed").status_code == 200


def test_like_follow_and_vote(client, reader, bearer, article):
    headers = bearer(reader, "write")
    like = client.put(f"/api/v1/articles/{article.pk}/like", headers=headers).json()
    assert like == {"active": True, "changed": True, "count": 1}
    again = client.put(f"/api/v1/articles/{article.pk}/like", headers=headers).json()
    assert again["changed"] is False and again["count"] == 1
    assert (
        client.delete(f"/api/v1/articles/{article.pk}/like", headers=headers).json()["count"] == 0
    )
    creator = article.creator
    before = creator.follower_count
    follow = client.put(f"/api/v1/creators/{creator.pk}/follow", headers=headers).json()
    assert follow["changed"] and follow["count"] == before + 1
    assert Follow.objects.filter(user=reader, creator=creator).exists()
    assert (
        client.delete(f"/api/v1/creators/{creator.pk}/follow", headers=headers).json()["count"]
        == before
    )
    comment = Comment.objects.create(article=article, user=UserFactory(), body="楼")
    vote = client.post(f"/api/v1/comments/{comment.pk}/vote", headers=headers).json()
    assert vote["count"] == 1
    own = Comment.objects.create(article=article, user=reader, body="我的")
    assert client.post(f"/api/v1/comments/{own.pk}/vote", headers=headers).status_code == 403


def test_following_oneself_is_refused(client, bearer, article):
    user = article.creator.user
    response = client.put(
        f"/api/v1/creators/{article.creator_id}/follow", headers=bearer(user, "write")
    )
    assert response.status_code == 403 and response.json()["detail"] == "不能关注自己。"


def draft(channel, **extra):
    return {"title": "春雨落在江南小城", "channel_id": channel.pk, "body_html": BODY, **extra}


@pytest.fixture
def creator(db):
    return CreatorFactory(approved_article_count=100)


def test_studio_needs_the_scope_and_a_creator(client, reader, bearer):
    assert client.get("/api/v1/studio/articles", headers=bearer(reader, "read")).status_code == 403
    response = client.get("/api/v1/studio/articles", headers=bearer(reader, "studio"))
    assert response.status_code == 403 and "创作者" in response.json()["detail"]


def test_draft_crud_and_publish(client, creator, bearer):
    headers = bearer(creator.user, "studio")
    channel = ChannelFactory()
    payload = draft(
        channel,
        body_html=BODY + '<script>alert(1)</script><p onclick="x()">点</p>',
        topics=["城市跑步"],
        references=[{"title": "江南志", "url": "https://example.org/"}],
    )
    response = client.post(
        "/api/v1/studio/articles", payload, content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["topics"] == ["城市跑步"]
    assert "<script" not in created["body_html"] and "onclick" not in created["body_html"]
    assert created["references"][0]["title"] == "江南志"
    pk = created["id"]
    # Not public: neither listed nor shown.
    assert client.get(f"/api/v1/articles/{pk}").status_code == 404
    updated = client.put(
        f"/api/v1/studio/articles/{pk}",
        draft(channel, title="改过的春雨标题"),
        content_type="application/json",
        headers=headers,
    ).json()
    assert updated["title"] == "改过的春雨标题"
    listing = client.get("/api/v1/studio/articles", headers=headers).json()
    assert [i["id"] for i in listing["items"]] == [pk]
    published = client.post(
        f"/api/v1/studio/articles/{pk}/submit", {}, content_type="application/json", headers=headers
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert client.get(f"/api/v1/articles/{pk}").status_code == 200
    assert client.delete(f"/api/v1/studio/articles/{pk}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/articles/{pk}").status_code == 404


def test_form_rules_apply(client, creator, bearer):
    headers = bearer(creator.user, "studio")
    response = client.post(
        "/api/v1/studio/articles",
        draft(ChannelFactory(), title="短"),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "标题至少" in response.json()["detail"] and "title" in response.json()["errors"]


def test_a_new_creator_goes_through_review_and_schedules(client, bearer):
    newcomer = CreatorFactory(approved_article_count=0)
    headers = bearer(newcomer.user, "studio")
    pk = client.post(
        "/api/v1/studio/articles",
        draft(ChannelFactory()),
        content_type="application/json",
        headers=headers,
    ).json()["id"]
    pending = client.post(
        f"/api/v1/studio/articles/{pk}/submit", {}, content_type="application/json", headers=headers
    ).json()
    assert pending["status"] == "pending"  # 先审后发
    assert client.get(f"/api/v1/articles/{pk}").status_code == 404


def test_schedule_and_its_rules(client, creator, bearer):
    headers = bearer(creator.user, "studio")
    pk = client.post(
        "/api/v1/studio/articles",
        draft(ChannelFactory()),
        content_type="application/json",
        headers=headers,
    ).json()["id"]
    late = (timezone.now() + timedelta(days=40)).isoformat()
    response = client.post(
        f"/api/v1/studio/articles/{pk}/submit",
        {"at": late},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422 and "30 天" in response.json()["detail"]
    soon = (timezone.now() + timedelta(hours=2)).isoformat()
    scheduled = client.post(
        f"/api/v1/studio/articles/{pk}/submit",
        {"at": soon},
        content_type="application/json",
        headers=headers,
    ).json()
    assert scheduled["status"] == "scheduled" and scheduled["scheduled_at"]


def test_publishing_checks_are_the_editors(client, creator, bearer):
    headers = bearer(creator.user, "studio")
    article = ArticleFactory(
        creator=creator, status=Article.Status.DRAFT, published_at=None, body_html="<p>短</p>"
    )
    response = client.post(
        f"/api/v1/studio/articles/{article.pk}/submit",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422 and response.json()["problems"]


def test_another_creators_article_is_404(client, creator, bearer):
    other = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    headers = bearer(creator.user, "studio")
    assert client.get(f"/api/v1/studio/articles/{other.pk}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/studio/articles/{other.pk}", headers=headers).status_code == 404


def test_image_upload(client, creator, bearer):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "a.png"
    headers = bearer(creator.user, "studio")
    response = client.post("/api/v1/studio/images", {"file": buffer}, headers=headers)
    assert response.status_code == 201, response.content
    image = response.json()
    bad = io.BytesIO(b"not an image")
    bad.name = "a.png"
    assert client.post("/api/v1/studio/images", {"file": bad}, headers=headers).status_code == 422
    pk = client.post(
        "/api/v1/studio/articles",
        draft(ChannelFactory(), cover_image_id=image["id"], cover_alt="红色"),
        content_type="application/json",
        headers=headers,
    ).json()["id"]
    assert Article.objects.get(pk=pk).cover


def test_a_draft_cover_is_kept_replaced_and_removed(client, creator, bearer):
    headers = bearer(creator.user, "studio")

    def upload(color):
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), color).save(buffer, "PNG")
        buffer.seek(0)
        buffer.name = "a.png"
        response = client.post("/api/v1/studio/images", {"file": buffer}, headers=headers)
        assert response.status_code == 201, response.content
        return response.json()["id"]

    channel = ChannelFactory()

    def put(pk, **extra):
        response = client.put(
            f"/api/v1/studio/articles/{pk}",
            draft(channel, **extra),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content
        return response.json()

    first = upload("red")
    created = client.post(
        "/api/v1/studio/articles",
        draft(channel, cover_image_id=first, cover_alt="红色"),
        content_type="application/json",
        headers=headers,
    ).json()
    pk, cover = created["id"], created["cover"]
    assert cover and put(pk, cover_alt="红色")["cover"] == cover  # not sent: kept
    second = put(pk, cover_image_id=upload("blue"), cover_alt="蓝色")
    assert second["cover"] and second["cover"] != cover and second["cover_alt"] == "蓝色"
    cleared = put(pk, cover_image_id=None)
    assert cleared["cover"] is None and not Article.objects.get(pk=pk).cover
    # An id that is no image of this creator is refused, the cover stays as it was.
    response = client.put(
        f"/api/v1/studio/articles/{pk}",
        draft(channel, cover_image_id=2**62),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422 and "封面" in response.json()["detail"]


def test_a_form_body_where_json_is_expected_is_a_problem_not_a_500(client, article, bearer):
    """The site's NUL check reads a multipart form before the API does (found by the fuzz
    test): the API answers 400 problem JSON rather than failing on the consumed body."""
    headers = bearer(article.creator.user, "read", "write", "studio")
    response = client.post(
        f"/api/v1/studio/articles/{article.pk}/submit", {"when": "-7e16"}, headers=headers
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "请求体应为 JSON。"


def test_a_body_past_the_upload_limit_is_413_problem_json(client, creator, bearer, settings):
    """Found by schemathesis: a JSON body larger than DATA_UPLOAD_MAX_MEMORY_SIZE raised
    RequestDataTooBig inside the API and the catch-all answered 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    headers = bearer(creator.user, "read", "write", "studio")
    response = client.post(
        "/api/v1/studio/articles",
        {"title": "长", "body_html": "<p>" + "字" * 20_000 + "</p>"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 413
