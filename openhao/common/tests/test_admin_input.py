"""The admin's many-to-many fields with ids that are not ids: a form error, not a 500.

Django's ModelMultipleChoiceField runs ``pk__in`` with every value that converts to int, and
numbers past the column's range make the database driver raise (SQLite OverflowError,
PostgreSQL DataError); its autocomplete widget renders the submitted values with the same
query and raises ValueError on "abc"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db
HUGE = "9" * 25


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("value", ["abc", HUGE, "1.5", "-1"])
def test_article_topics_with_bad_ids_redisplay_the_form(admin_client, value):
    article = ArticleFactory(topics=[TopicFactory(name="城市跑步")])
    url = f"/admin/articles/article/{article.pk}/change/"
    response = admin_client.post(url, {"title": "改过的标题", "topics": [value]})
    assert response.status_code == 200
    assert "改过的标题" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/admin/auth/group/add/", "permissions"),
        ("/admin/creators/creator/add/", "badges"),
        ("/admin/accounts/user/{user}/change/", "groups"),
        ("/admin/accounts/user/{user}/change/", "user_permissions"),
    ],
)
def test_many_to_many_ids_past_the_column_range_are_a_form_error(admin_client, url, field):
    user = UserFactory(username="someone")
    CreatorFactory()
    Group.objects.create(name="编辑")
    response = admin_client.post(url.format(user=user.pk), {"name": "x", field: [HUGE]})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", HUGE, "2026-13-40"])
def test_add_form_prefilled_with_a_bad_date_starts_empty(admin_client, value):
    # The split date/time widget called .utcoffset() on the raw query-string value: a 500.
    response = admin_client.get("/admin/articles/article/add/", {"published_at": value})
    assert response.status_code == 200
