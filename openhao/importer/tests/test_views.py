"""The studio's 导入 page: creators only, each creator's own feeds, imports end in the editor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openhao.articles.models import Article
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.importer.models import FeedRun, FeedSubscription
from openhao.privacy import services as privacy

pytestmark = pytest.mark.django_db


def test_readers_are_sent_to_apply(client):
    client.force_login(UserFactory())
    assert client.get(reverse("studio:import")).url == reverse("creators:apply")


def test_page_shows_runs_and_last_error_in_bounded_queries(
    client, creator, django_assert_max_num_queries
):
    for n in range(3):
        sub = FeedSubscription.objects.create(
            creator=creator, url=f"https://blog{n}.example/rss", last_error="对方网站响应超时。"
        )
        for _ in range(7):
            FeedRun.objects.create(subscription=sub, outcome="error", error="对方网站响应超时。")
    client.force_login(creator.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("studio:import"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="feed-subscription"') == 3
    assert html.count("<td>失败</td>") == 15  # the last 5 runs of each
    assert "最近一次错误" in html


def test_import_url_redirects_to_the_draft(client, web, creator):
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:import_url"), {"url": web.url("/news/2026/11/28/eco.html")}
    )
    article = Article.objects.get(creator=creator)
    assert response.url == reverse("studio:edit", args=[article.pk])
    assert article.status == Article.Status.DRAFT


def test_import_url_error_is_shown_on_the_page(client, creator):
    client.force_login(creator.user)
    response = client.post(reverse("studio:import_url"), {"url": "http://127.0.0.1:8000/"})
    assert response.status_code == 400
    assert "出于安全原因不能抓取这个网址" in response.content.decode()


def test_import_html(client, creator):
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:import_html"), {"html": "<h1>粘贴的文章</h1><p>一段足够长的正文内容。</p>"}
    )
    assert response.status_code == 302
    assert Article.objects.get(creator=creator).title == "粘贴的文章"


def test_subscribe_and_another_creators_feed_is_404(
    client, creator, django_capture_on_commit_callbacks
):
    client.force_login(creator.user)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("studio:feed_subscribe"), {"url": "https://blog.example/rss"}
        )
    assert response.status_code == 302
    assert FeedSubscription.objects.filter(creator=creator).count() == 1
    other = FeedSubscription.objects.create(creator=CreatorFactory(), url="https://x.example/rss")
    for name in ("studio:feed_poll", "studio:feed_delete"):
        assert client.post(reverse(name, args=[other.pk])).status_code == 404
    assert FeedSubscription.objects.filter(pk=other.pk).exists()


def test_erasure_stops_the_subscriptions_and_export_lists_them(creator):
    sub = FeedSubscription.objects.create(creator=creator, url="https://blog.example/rss")
    FeedRun.objects.create(subscription=sub)
    files = privacy.export_contents(creator.user)
    assert b"https://blog.example/rss" in files["feed_subscriptions.json"]
    creator.user.set_password("correct horse battery")
    creator.user.save()
    deletion = privacy.deletion_request(
        user=creator.user, password="correct horse battery", comments="keep", articles="keep"
    )
    assert privacy.account_erase(deletion_id=deletion.pk)
    assert not FeedSubscription.objects.exists() and not FeedRun.objects.exists()


def test_the_failure_notification_links_to_the_import_page(client, creator):
    from openhao.engagement import services as engagement

    engagement.notification_for_feed_failure(user_id=creator.user_id, failures=3)
    client.force_login(creator.user)
    html = client.get(reverse("engagement:notifications")).content.decode()
    assert "你的一个 RSS 订阅已连续 3 次抓取失败。" in html
    assert reverse("studio:import") in html
