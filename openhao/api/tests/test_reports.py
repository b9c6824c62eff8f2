"""举报 through the API: the same service as the site's form (moderation.actions.report_create),
once per reader and item, nothing about what readers cannot see."""

from __future__ import annotations

import pytest

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.engagement import services as engagement_services
from openhao.moderation.models import Report

pytestmark = pytest.mark.django_db


def _post(client, url, headers, **body):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_a_reader_reports_an_article_once(client, reader, article, bearer):
    headers = bearer(reader, "read", "write")
    url = f"/api/v1/articles/{article.pk}/report"
    first = _post(client, url, headers, reason="rumor", text="与事实不符")
    assert first.status_code == 201
    assert first.json() == {
        "target_type": "article",
        "target_id": article.pk,
        "reason": "rumor",
        "status": "open",
        "created": True,
    }
    again = _post(client, url, headers, reason="ad")
    assert again.status_code == 200 and again.json()["created"] is False
    assert Report.objects.filter(reporter=reader).count() == 1


def test_comments_and_creators_can_be_reported(client, reader, article, bearer):
    headers = bearer(reader, "read", "write")
    comment = engagement_services.comment_create(
        user=article.creator.user, article=article, body="作者的跟贴"
    )
    assert (
        _post(client, f"/api/v1/comments/{comment.pk}/report", headers, reason="abuse").status_code
        == 201
    )
    url = f"/api/v1/creators/{article.creator_id}/report"
    assert _post(client, url, headers, reason="other", text="冒充他人").status_code == 201
    assert set(Report.objects.values_list("target_type", flat=True)) == {"comment", "creator"}


def test_refusals_are_problems_with_the_sites_messages(client, reader, article, bearer):
    own = bearer(article.creator.user, "read", "write")
    response = _post(client, f"/api/v1/articles/{article.pk}/report", own, reason="ad")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "不能举报自己的内容。"
    headers = bearer(reader, "read", "write")
    response = _post(client, f"/api/v1/articles/{article.pk}/report", headers, reason="other")
    assert response.status_code == 422 and "其他" in response.json()["detail"]
    read_only = bearer(reader, "read")
    url = f"/api/v1/articles/{article.pk}/report"
    assert _post(client, url, read_only, reason="ad").status_code == 403
    assert not Report.objects.exists()


def test_what_readers_cannot_see_cannot_be_reported(client, reader, bearer):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    headers = bearer(reader, "read", "write")
    assert (
        _post(client, f"/api/v1/articles/{draft.pk}/report", headers, reason="ad").status_code
        == 404
    )
    assert _post(client, "/api/v1/comments/999999/report", headers, reason="ad").status_code == 404
    assert not Report.objects.exists()
