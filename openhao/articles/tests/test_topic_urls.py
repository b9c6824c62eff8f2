"""Hashtags with URL-unsafe characters: a "/" (春天/旅行) is carried in the topic URL, other
reserved characters are percent-encoded, and names no URL can carry reliably are refused at input.
Topics already stored with such names still render (no page answers 500)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.articles.validators import validate_topic_name
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.moderation.roles import REVIEWER, role_group
from openhao.studio.tests.test_studio import article_data

pytestmark = pytest.mark.django_db

UNSAFE_NAMES = [
    "春天/旅行",
    "a/b/c",
    "问号?话题",
    "井号#话题",
    "百分号%20话题",
    "空 格",
    "反斜杠\\话题",
]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_topic_with_url_unsafe_characters_has_a_working_url(client, name):
    topic = TopicFactory(name=name)
    article = ArticleFactory(title="一篇带特殊话题的文章", topics=[topic])
    url = topic.get_absolute_url()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f'href="{url}"' in page.content.decode()
    listing = client.get(url)
    assert listing.status_code == 200
    assert article.title in listing.content.decode()


def test_slash_topic_url_is_readable_and_the_unslashed_url_redirects(client):
    topic = TopicFactory(name="春天/旅行")
    ArticleFactory(topics=[topic])
    assert topic.get_absolute_url() == "/topic/%E6%98%A5%E5%A4%A9/%E6%97%85%E8%A1%8C/"
    assert client.get("/topic/春天/旅行/").status_code == 200
    response = client.get("/topic/春天/旅行")
    assert (
        response.status_code == 301
        and response.url == "/topic/%E6%98%A5%E5%A4%A9/%E6%97%85%E8%A1%8C/"
    )
    assert client.get("/topic/春天/").status_code == 404


def test_studio_preview_and_review_page_render_a_slash_topic(client):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator, status=Article.Status.PENDING, published_at=None)
    article.topics.set([TopicFactory(name="春天/旅行")])
    client.force_login(creator.user)
    assert client.get(reverse("studio:preview", args=[article.pk])).status_code == 200
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group(REVIEWER))
    client.force_login(editor)
    assert client.get(reverse("review:article", args=[article.pk])).status_code == 200


@pytest.mark.parametrize("name", ["..", ".", "a/../b", "春天/./旅行", "/开头", "结尾/", "双//斜杠"])
def test_names_no_url_can_carry_are_refused_with_a_message(name):
    with pytest.raises(ValidationError) as exc:
        validate_topic_name(name)
    assert "话题" in exc.value.messages[0]


def test_the_studio_form_refuses_a_dot_segment_topic_and_keeps_the_text(client):
    creator = CreatorFactory(approved_article_count=99)
    client.force_login(creator.user)
    data = article_data(ArticleFactory().channel, topics="春天/旅行 ../上级")
    response = client.post(reverse("studio:new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "话题" in html and "../上级" in html
    assert not Article.objects.filter(creator=creator).exists()


def test_the_studio_form_accepts_a_slash_topic(client):
    creator = CreatorFactory(approved_article_count=99)
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:new"), article_data(ArticleFactory().channel, topics="春天/旅行")
    )
    assert response.status_code == 302
    article = Article.objects.get(creator=creator)
    assert [t.name for t in article.topics.all()] == ["春天/旅行"]


def test_a_stored_dot_segment_topic_does_not_break_the_article_page(client):
    """Stored before input was checked (or through the admin): the page still renders."""
    article = ArticleFactory(topics=[TopicFactory(name="..")])
    assert client.get(article.get_absolute_url()).status_code == 200
