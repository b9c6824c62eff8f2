"""分享海报 in a browser: from the article's 分享至 menu to the poster page by keyboard, the
image loads at 1080 px, the page passes axe, and it all works with JavaScript off.
Screenshots: var/screenshots/poster.png (the page) and poster-image.png (the poster itself)."""

from __future__ import annotations

import re

import pytest

from .conftest import VIEWPORT, skip_module_without_browser
from .test_pages_browser import axe_violations

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80
LOADED = "img => img.complete && img.naturalWidth > 0"


def tab_to(page, selector: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached in {MAX_TABS} Tab presses")


def test_share_menu_opens_the_poster_by_keyboard(
    page, live_server, site, screenshot_dir, js_errors
):
    article = site["article"]
    page.goto(f"{live_server.url}/article/{article.pk}/")
    page.locator(".share summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".share-panel").is_visible()
    tab_to(page, "a.share-poster")
    assert "生成分享海报" in page.locator("a.share-poster").inner_text()
    with page.expect_navigation(url=re.compile(rf"/article/{article.pk}/poster/$")):
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "分享海报"
    image = page.locator(".poster-figure img")
    page.wait_for_function(LOADED, arg=image.element_handle(), timeout=10_000)
    natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural[0] == 1080
    assert int(image.get_attribute("height")) == natural[1]
    assert article.title in image.get_attribute("alt")
    download = page.locator("a.poster-download")
    assert download.get_attribute("download") == f"openhao-poster-{article.pk}.jpg"
    assert download.get_attribute("href") == image.get_attribute("src")
    tab_to(page, "a.poster-download")
    assert axe_violations(page) == []

    page.screenshot(path=screenshot_dir / "poster.png", full_page=True)
    response = page.request.get(f"{live_server.url}{image.get_attribute('src')}")
    assert response.headers["content-type"] == "image/jpeg"
    # The poster itself, as a PNG the file viewer shows.
    from io import BytesIO

    from PIL import Image

    Image.open(BytesIO(response.body())).save(screenshot_dir / "poster-image.png")
    assert js_errors == []


def test_poster_without_javascript_and_in_care_mode(browser, live_server, site, screenshot_dir):
    article = site["article"]
    context = browser.new_context(
        viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False
    )
    context.add_cookies([{"name": "oh_care", "value": "1", "url": live_server.url}])
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/article/{article.pk}/")
        page.locator(".share summary").click()  # <details> opens without script
        with page.expect_navigation():
            page.locator("a.share-poster").click()
        image = page.locator(".poster-figure img")
        assert image.get_attribute("src") == f"/article/{article.pk}/poster-care.jpg"
        page.wait_for_function(LOADED, arg=image.element_handle(), timeout=10_000)
        assert image.evaluate("img => img.naturalWidth") == 1080
        page.screenshot(path=screenshot_dir / "poster-care.png", full_page=True)
    finally:
        context.close()
