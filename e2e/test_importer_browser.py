"""导入 in Chromium: a creator imports a realistic news page served by a local test server and
gets a clean draft in the editor; subscribing a feed shows its first run on the page."""

from __future__ import annotations

import pytest

from openhao.common import fetch
from openhao.common.tests.webserver import LocalWebServer
from openhao.importer.tests.conftest import news_page, png_bytes

from .conftest import skip_module_without_browser
from .test_creator_browser import sign_in
from .test_pages_browser import axe_violations

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>滨江晨报·生态</title><link>http://news.example/</link>
<description>生态频道</description>
<item><title>湿地公园迎来越冬候鸟</title><link>http://news.example/birds.html</link>
<guid>urn:news:birds</guid><description><![CDATA[<p>入冬以来，湿地公园迎来了上万只越冬候鸟，
观鸟爱好者清晨就来到湖边。</p>]]></description></item>
</channel></rss>""".encode()


@pytest.fixture
def news_site():
    with LocalWebServer("127.0.0.2") as srv, fetch.allow_for_tests("127.0.0.2/32"):
        srv.routes["/news/eco.html"] = (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            news_page(),
        )
        srv.routes["/images/river-2026.png"] = (200, {"Content-Type": "image/png"}, png_bytes())
        srv.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, FEED)
        yield srv


@pytest.fixture
def writer(transactional_db):
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    channels = ensure_channels()
    return CreatorFactory(
        user=UserFactory(username="importer"),
        display_name="导入测试号",
        main_channel=channels["toutiao"],
    )


def test_import_a_news_page_into_a_clean_draft(
    page, live_server, writer, news_site, js_errors, screenshot_dir
):
    from openhao.articles.models import Article

    base = live_server.url
    sign_in(page, base, "importer")
    page.goto(f"{base}/studio/")
    page.get_by_role("link", name="导入").click()
    page.wait_for_url(f"{base}/studio/import/")
    page.fill("#id_url", news_site.url("/news/eco.html"))
    page.locator(".import-url-form button[type=submit]").click()
    page.wait_for_url(f"{base}/studio/articles/*/")
    assert "已导入为草稿" in page.content()
    assert page.input_value("#id_title") == "长江流域今年首批生态补偿资金下达 沿线十九省份受益"
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for()
    assert editor.locator("h2").all_inner_texts() == [
        "上游：水源地保护优先",
        "中下游：岸线修复与污水治理并重",
    ]
    article = Article.objects.get(creator=writer)
    assert article.status == Article.Status.DRAFT
    for boilerplate in ("热点排行", "相关阅读", "特别声明", "网友评论", "财经频道", "下载客户端"):
        assert boilerplate not in article.body_html
    assert article.references.first().url == news_site.url("/news/eco.html")

    # A feed subscription: its first poll runs at once and shows on the page.
    page.goto(f"{base}/studio/import/")
    page.fill("#id_url", "")
    page.locator(".feed-form input[name=url]").fill(news_site.url("/feed.xml"))
    page.locator(".feed-form button[type=submit]").click()
    page.wait_for_url(f"{base}/studio/import/")
    row = page.locator(".feed-subscription").first
    assert "滨江晨报·生态" in row.inner_text()
    assert "成功" in row.locator("tbody").inner_text()
    page.screenshot(path=str(screenshot_dir / "studio-import.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], violations
    assert Article.objects.filter(creator=writer, title="湿地公园迎来越冬候鸟").exists()
    assert js_errors == []
