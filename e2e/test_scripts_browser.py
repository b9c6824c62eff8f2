"""繁简 in a browser: switch to 繁體 by keyboard and back, the choice follows the reader across
pages, and care mode works with it. Screenshot: var/screenshots/article-traditional.png."""

from __future__ import annotations

import re

import pytest

from .conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 40


def focus_link(page, text: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(document.activeElement.innerText || '').trim()") == text:
            return
    pytest.fail(f"{text} not reached in {MAX_TABS} Tab presses")


def test_switch_to_traditional_and_back(page, live_server, site, screenshot_dir, js_errors):
    article = site["article"]
    url = f"{live_server.url}/article/{article.pk}/"
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    simplified_title = page.locator("h1").first.inner_text()

    focus_link(page, "繁體（台灣）")
    with page.expect_navigation(url=re.compile(rf"/article/{article.pk}/$")):
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant-TW"
    title = page.locator("h1").first.inner_text()
    assert title != simplified_title and re.search(r"[馬記憶]", title)
    header = page.locator("header.site-header").inner_text()
    assert "進入關懷版" in header and "进入关怀版" not in header
    page.screenshot(path=screenshot_dir / "article-traditional.png", full_page=True)

    # The choice persists on another page.
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant-TW"

    # Care mode works together with it (site.js posts the switch).
    page.goto(url)
    page.locator("header a.care-toggle").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant-TW"

    # And back to 简体 (its label is shown converted, 簡體).
    page.locator(".script-switch a", has_text="簡體").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.locator("h1").first.inner_text() == simplified_title
    assert js_errors == []
