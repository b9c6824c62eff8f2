"""The details a new user meets, in Chromium: keyboard focus through the comments that htmx
loads, the sign-in message on the (cached) next page, the editor in Chinese with a named
editable area, and the header and title on a 390 px phone in both modes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def reader(transactional_db):
    from openhao.creators.tests.factories import UserFactory

    return UserFactory(username="xiaoli", nickname="小李")


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def test_sign_in_message_shows_on_the_next_page(page, live_server, site, reader, js_errors):
    page.goto(f"{live_server.url}/")  # the home page is in the page cache from now on
    sign_in(page, live_server.url, "xiaoli")
    flash = page.locator("#flash")
    expect(flash.locator("ul.messages > li.flash")).to_contain_text("成功登录")
    expect(page.locator("#personal .personal-name")).to_have_text("小李")
    # Once only: the next page does not repeat it.
    page.goto(f"{live_server.url}/accessibility/")
    expect(page.locator("#personal .personal-name")).to_have_text("小李")
    expect(flash).not_to_contain_text("成功登录")
    assert js_errors == []
