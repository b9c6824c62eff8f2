"""The whole path through HTTP: application → review → approval → first article → review →
publish, ending on the channel page."""

import pytest
from django.urls import reverse

from openhao.articles.models import Article
from openhao.creators.models import Creator
from openhao.creators.tests.helpers import jpeg_bytes, upload
from openhao.creators.tests.test_onboarding import form_data
from openhao.moderation.models import ReviewRecord

from .test_studio import article_data

pytestmark = pytest.mark.django_db


def test_application_to_published_article(
    client, reader, staff, channel, settings, django_capture_on_commit_callbacks
):
    settings.OPENHAO_PREREVIEW_ARTICLES = 1
    editor = client.__class__()
    editor.force_login(staff)

    client.force_login(reader)
    assert client.post(reverse("creators:apply"), form_data(channel)).status_code == 302
    application = reader.creator_applications.get()
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(reverse("review:application", args=[application.pk]), {"decision": "approve"})
    creator = Creator.objects.get(user=reader)

    with django_capture_on_commit_callbacks(execute=True):
        image = client.post(
            reverse("studio:upload"),
            {"image": upload(jpeg_bytes(), "run.jpg")},
            HTTP_ACCEPT="application/json",
        ).json()
    body = (
        "<h2>起跑</h2><p>天刚亮，选手们已经聚在广场，呼出的白气在晨光里慢慢散开。</p>"
        f'<figure><img src="{image["url"]}" alt="起跑线上的人群"></figure>'
    )
    client.post(reverse("studio:new"), article_data(channel, body_html=body, action="publish"))
    article = Article.objects.get(creator=creator)
    assert article.status == Article.Status.PENDING
    assert f'src="{image["url"]}"' in article.body_html

    editor.post(reverse("review:article", args=[article.pk]), {"decision": "approve"})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert ReviewRecord.objects.count() == 2

    client.logout()
    channel_page = client.get(channel.get_absolute_url()).content.decode()
    assert article.title in channel_page
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="起跑线上的人群"' in page and "江南小城记" in page
