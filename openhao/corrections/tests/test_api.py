"""The change log, read-only, in the JSON API: GET /api/v1/articles/{id}/corrections."""

import pytest

from openhao.articles.models import Article, ModerationLabel
from openhao.articles.services import article_label_set, article_update
from openhao.articles.tests.factories import ArticleFactory

from .conftest import BODY

pytestmark = pytest.mark.django_db


def test_the_log_in_the_api(client, article):
    article_update(
        article=article,
        channel=article.channel,
        title=article.title,
        body_html=BODY.replace("5月3日", "5月4日"),
        summary=article.summary,
        correction_note="日期更正",
    )
    article_label_set(article=article, label=ModerationLabel.DISPUTED)
    response = client.get(f"/api/v1/articles/{article.pk}/corrections")
    assert response.status_code == 200
    data = response.json()
    assert data["correction_count"] == 1 and data["next_cursor"] is None
    label, correction = data["items"]
    assert label["kind"] == "label" and label["label"] == "disputed"
    assert correction["kind"] == "correction" and correction["note"] == "日期更正"
    ops = [(s["op"], s["text"]) for s in correction["body"]]
    assert ("delete", "我们在5月3日抵达杭州。") in ops and (
        "insert",
        "我们在5月4日抵达杭州。",
    ) in ops


def test_hidden_articles_are_404(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    response = client.get(f"/api/v1/articles/{draft.pk}/corrections")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
