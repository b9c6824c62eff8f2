"""Search and the 推荐 feed in a real browser: the header search box by keyboard, highlighted
results, care-mode target sizes on the results page, and the feed's infinite scroll."""

from __future__ import annotations

import pytest

from .conftest import skip_module_without_browser
from .test_article_browser import TARGETS_JS

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_by_keyboard(page, live_server, site, screenshot_dir, js_errors):
    page.goto(f"{live_server.url}/")
    box = page.get_by_label("搜索文章和号")
    box.focus()
    page.keyboard.type("馬拉松")  # Traditional: finds the Simplified title
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    first = page.locator(".search-results .item-title").first
    assert "马拉松" in first.inner_text()
    assert first.locator("mark").first.inner_text() == "马拉松"
    page.screenshot(path=screenshot_dir / "search.png", full_page=True)
    assert js_errors == []


def test_search_page_in_care_mode_has_large_targets(context, page, live_server, site):
    context.add_cookies([{"name": "oh_care", "value": "1", "url": live_server.url}])
    page.goto(f"{live_server.url}/search/?q=马拉松")
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.evaluate(TARGETS_JS) == []


def test_feed_loads_more_when_scrolled(page, live_server, site, js_errors):
    from openhao.articles.tests.factories import ArticleFactory

    for i in range(30):
        ArticleFactory(title=f"推荐流文章{i:02d}")
    page.goto(f"{live_server.url}/")
    items = page.locator(".feed-list .article-item")
    before = items.count()
    page.locator(".feed-more a").scroll_into_view_if_needed()
    page.wait_for_function(
        f"() => document.querySelectorAll('.feed-list .article-item').length > {before}"
    )
    assert items.count() > before
    assert js_errors == []
