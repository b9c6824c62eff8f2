"""NUL bytes anywhere in a request: PostgreSQL cannot store or compare them (psycopg raises
ValueError, a 500), so the request is answered 400 before any view or query sees them."""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection
from django.urls import reverse

from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db
NUL = "\x00"


@contextlib.contextmanager
def no_query_sees_a_nul():
    seen = []

    def wrapper(execute, sql, params, many, context):
        flat = params if not many else [p for row in params for p in row]
        if NUL in sql or any(isinstance(p, str) and NUL in p for p in flat or ()):
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert not seen, seen


@pytest.mark.parametrize("path", ["/topic/%00/", "/topic/a%00b/", "/channel/a%00/", "/%00"])
def test_a_nul_in_the_path_is_a_400_with_a_message_and_no_query(client, path):
    TopicFactory(name="a")
    with no_query_sees_a_nul():
        response = client.get(path)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_nul_in_a_query_parameter_is_a_400(client):
    with no_query_sees_a_nul():
        response = client.get(reverse("search:results"), {"q": "春天\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_nul_in_a_posted_field_is_a_400_and_nothing_is_written(client):
    user = UserFactory(nickname="旧名")
    client.force_login(user)
    with no_query_sees_a_nul():
        response = client.post(reverse("accounts:profile"), {"nickname": "新\x00名", "motto": ""})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.nickname == "旧名"


def test_a_nul_in_a_multipart_field_is_a_400(client):
    creator = CreatorFactory(approved_article_count=99)
    client.force_login(creator.user)
    with no_query_sees_a_nul():
        response = client.post(reverse("studio:new"), {"title": "标题\x00很长", "body_html": ""})
    assert response.status_code == 400


def test_json_clients_get_the_message_as_json(client):
    creator = CreatorFactory(approved_article_count=99)
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:autosave_new"),
        {"title": "坏\x00字符"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "空字符" in response.json()["error"]


def test_a_cookie_with_a_nul_is_ignored_not_looked_up(client):
    """A forged session cookie is not a reason to refuse the page, nor to query with it."""
    article = ArticleFactory()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    with no_query_sees_a_nul():
        response = client.get(reverse("personal"))
        page = client.get(article.get_absolute_url())
    assert response.status_code == 200 and page.status_code == 200
    assert response.json()["authenticated"] is False
