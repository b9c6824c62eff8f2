"""The API in Chromium: a reader makes an access token on the profile page (htmx), the token
works against the API and stops working once revoked; the API docs page (Swagger UI from our
own static files) renders under the site's Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Autumn-leaf-2026"


@pytest.fixture
def reader(site):
    from openhao.creators.tests.factories import UserFactory

    user = UserFactory(username="kaifa", nickname="开发者", email="kaifa@example.com")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_token_made_on_the_profile_page_works_until_revoked(
    page, live_server, reader, screenshot_dir, js_errors
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "kaifa")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/accounts/profile/")
    page.fill("#token-name", "我的阅读器")
    page.check("#token-scope-write")
    page.get_by_role("button", name="创建令牌").click()
    token = page.locator(".token-value")
    expect(token).to_be_visible()
    raw = token.inner_text().strip()
    assert raw.startswith("oh_")
    page.locator("#api-tokens").screenshot(path=str(screenshot_dir / "api-tokens.png"))
    api = page.context.request
    feed = api.get(f"{live_server.url}/api/v1/me/feed", headers={"Authorization": f"Bearer {raw}"})
    assert feed.status == 200
    page.get_by_role("button", name="撤销“我的阅读器”").click()
    expect(page.get_by_text("令牌已撤销。")).to_be_visible()
    expect(page.locator(".token-value")).to_have_count(0)
    gone = api.get(f"{live_server.url}/api/v1/me/feed", headers={"Authorization": f"Bearer {raw}"})
    assert gone.status == 401
    assert js_errors == []


def test_api_docs_page(page, live_server, site, screenshot_dir):
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_text("/api/v1/articles").first).to_be_visible(timeout=15_000)
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)
