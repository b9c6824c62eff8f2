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


ACTIVE_JS = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || "").trim(),
          inComments: !!el.closest("#comments")};
}"""


def test_keyboard_focus_stays_in_the_comments_when_they_load(page, live_server, site, reader):
    """The 查看全部跟贴 link loads the comments block when it scrolls into view, and the block
    replaces it: a keyboard user who tabbed onto the link goes on inside the block, to
    我来说两句 and 发表跟贴 (WCAG 2.4.3), rather than from the top of the page."""
    sign_in(page, live_server.url, "xiaoli")
    held = []
    page.route("**/article/*/comments/", lambda route: held.append(route))
    page.goto(f"{live_server.url}{site['article'].get_absolute_url()}")
    page.locator(".hashtags a").last.focus()
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_JS)["text"].startswith("查看全部"), page.evaluate(ACTIVE_JS)
    for _ in range(50):  # the block is requested once the link has scrolled into view
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the comments block was never requested"
    held[0].continue_()
    page.wait_for_selector("#comments-block")
    page.wait_for_function("() => !!document.activeElement.closest('#comments')")
    # On through the block: the sort links (最热/最新), then 我来说两句 and 发表跟贴.
    for _ in range(4):
        page.keyboard.press("Tab")
        state = page.evaluate(ACTIVE_JS)
        assert state["inComments"], state
        if state["id"] == "comment-body":
            break
    assert page.evaluate(ACTIVE_JS)["id"] == "comment-body", page.evaluate(ACTIVE_JS)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_JS)["text"] == "发表跟贴", page.evaluate(ACTIVE_JS)


def test_keyboard_focus_stays_in_the_comments_on_the_next_page_of_comments(
    page, live_server, site, reader
):
    from openhao.engagement import services

    for i in range(25):
        services.comment_create(user=reader, article=site["article"], body=f"第{i}条跟贴内容")
    sign_in(page, live_server.url, "xiaoli")
    page.goto(f"{live_server.url}{site['article'].get_absolute_url()}")
    page.locator("#comments").scroll_into_view_if_needed()
    next_link = page.locator("#comments-block .pagination a[rel=next]")
    next_link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#comments-block .pagination")).to_contain_text("第 2 /")
    page.wait_for_function("() => !!document.activeElement.closest('#comments-block')")
    assert page.evaluate(ACTIVE_JS)["inComments"]
