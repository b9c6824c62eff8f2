"""The Content-Security-Policy in Chromium: every kind of page the site has, anonymous and
signed in, loads and works (htmx fragments, the share panel, Chart.js in 数据中心,
django-prose-editor in the studio) without a single violation. The e2e fixtures collect
violations for every browser test (conftest.PolicyWatch); this module visits the pages no other
browser test reaches, and proves that the watch itself sees a violation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .conftest import VIEWPORT, skip_module_without_browser
from .test_creator_browser import PASSWORD, sign_in

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_watch_sees_a_violation(page, policy_watch):
    """The fixture is not blind: an inline script under a strict policy is reported."""
    page.route(
        "http://policy.test/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "script-src 'self'; style-src 'self'"},
            content_type="text/html",
            body='<p style="color: red">x</p><script>document.title = "ran"</script>',
        ),
    )
    page.goto("http://policy.test/")
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.title() != "ran"
    found = list(policy_watch.violations)
    policy_watch.violations.clear()  # expected here; the autouse check must not fail the test
    assert any("script-src" in v for v in found), found
    assert any("style-src" in v for v in found), found


def strict_policy(response) -> str:
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy, (response.url, policy)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, policy
    assert response.header_value("permissions-policy"), response.url
    return policy


def visit(page, url: str) -> str:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    return strict_policy(response)


@pytest.fixture
def staff_creator(site):
    """A staff member who is also a creator with a fortnight of statistics, and something in
    each review queue."""
    from django.utils import timezone

    from openhao.analytics.services import stats_record
    from openhao.articles.models import Article
    from openhao.articles.tests.factories import ArticleFactory
    from openhao.creators.models import CreatorApplication
    from openhao.creators.tests.factories import UserFactory

    creator = site["creator"]
    user = creator.user
    user.username, user.is_staff, user.is_superuser = "editor", True, True
    user.set_password(PASSWORD)
    user.save()
    article = site["article"]
    today = timezone.localdate()
    for i in range(14):
        stats_record(article=article, metric="reads", amount=100 + i, day=today - timedelta(i))
        stats_record(article=article, metric="likes", amount=3 + i % 4, day=today - timedelta(i))
    pending = ArticleFactory(title="等待审核的一篇文章", status=Article.Status.PENDING)
    application = CreatorApplication.objects.create(
        user=UserFactory(username="applicant"),
        display_name="申请中的号",
        motto="想写点东西",
        channel=article.channel,
        intro="十年的老读者，想写写身边的事。",
        real_name_confirmed=True,
        rules_accepted=True,
    )
    return {"user": user, "article": article, "pending": pending, "application": application}


def test_every_kind_of_page_keeps_the_policy(browser, live_server, site, staff_creator, js_errors):
    base = live_server.url
    article, creator = site["article"], site["creator"]
    topic = article.topics.first()
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    try:
        # Anonymous, from the page cache on the second visit (the same bytes, a new header).
        for _ in range(2):
            visit(page, f"{base}/")
            page.locator("#personal a[href*='login']").first.wait_for()
        visit(page, f"{base}/article/{article.pk}/")
        page.locator(".personal-data").wait_for(state="attached")  # htmx fragment arrived
        page.locator(".share summary").click()
        assert page.locator(".share-panel").is_visible()
        qr = page.locator(".share-qr img")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle()
        )
        page.locator(".copy-link").click()
        page.wait_for_function("() => document.querySelector('.copy-status').textContent")
        visit(page, f"{base}{article.channel.get_absolute_url()}")
        visit(page, f"{base}{topic.get_absolute_url()}")
        visit(page, f"{base}/creator/{creator.pk}/")
        assert page.locator(".badge").first.evaluate(
            "el => getComputedStyle(el).borderTopColor"
        ) != page.locator(".badge").first.evaluate("el => getComputedStyle(el).color")
        visit(page, f"{base}/search/?q=马拉松")
        assert page.get_by_role("link", name=article.title).count() >= 1
        visit(page, f"{base}/accessibility/")

        # Signing in, then the private pages.
        visit(page, f"{base}/accounts/login/")
        sign_in(page, base, "editor")
        visit(page, f"{base}/accounts/profile/")
        visit(page, f"{base}/me/following/")
        visit(page, f"{base}/me/notifications/")
        visit(page, f"{base}/studio/")
        visit(page, f"{base}/studio/articles/new/")
        editor = page.locator(".ProseMirror[contenteditable=true]")
        editor.wait_for()
        editor.click()
        page.keyboard.type("内容安全策略下的编辑器照常工作。")
        page.locator(".prose-menubar button, .prose-menubar__button").first.wait_for()
        visit(page, f"{base}/studio/articles/{article.pk}/")
        page.locator(".ProseMirror[contenteditable=true]").wait_for()
        visit(page, f"{base}/studio/articles/{article.pk}/preview/")
        visit(page, f"{base}/studio/images/")
        visit(page, f"{base}/studio/analytics/")
        page.wait_for_function("() => document.querySelector('#stats-chart').width > 0")
        visit(page, f"{base}/studio/analytics/articles/{article.pk}/")
        page.wait_for_function("() => document.querySelector('#stats-chart').width > 0")
        visit(page, f"{base}/creator/apply/status/")
        visit(page, f"{base}/review/applications/")
        visit(page, f"{base}/review/applications/{staff_creator['application'].pk}/")
        visit(page, f"{base}/review/articles/")
        visit(page, f"{base}/review/articles/{staff_creator['pending'].pk}/")
        visit(page, f"{base}/review/log/")
        visit(page, f"{base}/admin/")
        visit(page, f"{base}/admin/articles/article/")
        visit(page, f"{base}/admin/articles/article/{article.pk}/change/")

        # 关怀版 through its switch (a form POST with the fragment's CSRF token).
        page.goto(f"{base}/article/{article.pk}/")
        page.locator(".personal-data").wait_for(state="attached")
        with page.expect_navigation(url=re.compile(rf"/article/{article.pk}/$")):
            page.locator(".tools").get_by_role("link", name="进入关怀版").click()
        assert page.evaluate("document.documentElement.classList.contains('care')")
        visit(page, f"{base}/studio/analytics/")
        page.wait_for_function("() => document.querySelector('#stats-chart').width > 0")
    finally:
        ctx.close()
    assert js_errors == []
