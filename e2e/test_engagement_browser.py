"""A reader's path in Chromium: sign up, follow the creator from the author card, comment,
reply to another reader, up-vote their comment; then that reader signs in and sees the
notifications. Everything personal arrives through htmx into a publicly cached page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Spring-rain-2026"


@pytest.fixture
def bob_comment(site):
    from openhao.creators.tests.factories import UserFactory
    from openhao.engagement import services

    bob = UserFactory(username="bob", nickname="老鲍")
    bob.set_password(PASSWORD)
    bob.save()
    return services.comment_create(user=bob, article=site["article"], body="鲍的第一条跟贴")


def test_sign_up_follow_comment_reply_vote_and_notify(
    browser, context, page, live_server, site, bob_comment, screenshot_dir, js_errors
):
    article, creator = site["article"], site["creator"]

    # Sign up.
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=username]", "reader")
    page.fill("input[name=email]", "reader@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#personal .personal-name")).to_have_text("reader")

    # Follow the creator from the author card of the (cached) article page.
    page.goto(f"{live_server.url}/article/{article.pk}/")
    expect(page.locator("#personal .personal-name")).to_have_text("reader")
    card = page.locator(".author-card")
    expect(card.locator("dd").nth(1)).to_have_text("16418")
    card.get_by_role("button", name=re.compile("^关注")).click()
    expect(card.get_by_role("button", name=re.compile("^已关注"))).to_be_visible()
    expect(card.locator("dd").nth(1)).to_have_text("16419")

    # Comment: the block loads when scrolled into view.
    page.locator("#comments").scroll_into_view_if_needed()
    block = page.locator("#comments-block")
    expect(block.locator(".comment-body", has_text="鲍的第一条跟贴")).to_be_visible()
    block.locator("#comment-body").fill("写得真好，https://example.com/more 值得一看")
    block.get_by_role("button", name="发表跟贴").click()
    mine = block.locator(".thread", has_text="写得真好")
    expect(mine).to_be_visible()
    expect(mine.locator("a[href='https://example.com/more']")).to_have_attribute(
        "rel", "nofollow ugc noopener noreferrer"
    )
    expect(page.locator(".article-meta .comment-count")).to_have_text("39")  # 37 + bob's + mine

    # Reply to bob, then up-vote his comment.
    bob_thread = block.locator(".thread", has_text="鲍的第一条跟贴")
    bob_thread.locator("details.reply summary").first.click()
    bob_thread.locator("textarea").first.fill("同意楼上")
    bob_thread.get_by_role("button", name="发表回复").first.click()
    bob_thread = page.locator("#comments-block .thread", has_text="鲍的第一条跟贴")
    expect(bob_thread.locator(".replies .comment-body", has_text="同意楼上")).to_be_visible()
    bob_thread.locator(".vote-button").first.click()
    expect(bob_thread.locator(".vote-done.is-voted").first).to_contain_text("1")
    page.screenshot(path=str(screenshot_dir / "engagement-reader.png"), full_page=True)

    # 我的关注 lists the creator.
    page.goto(f"{live_server.url}/me/following/")
    expect(page.locator(".followed-list")).to_contain_text(creator.display_name)

    # Bob signs in elsewhere and sees two unread notifications, then reads them.
    bob_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    bob_page = bob_context.new_page()
    bob_page.goto(f"{live_server.url}/accounts/login/")
    bob_page.fill("input[name=login]", "bob")
    bob_page.fill("input[name=password]", PASSWORD)
    bob_page.locator("form button[type=submit]").last.click()
    expect(bob_page.locator("#personal .badge-unread")).to_have_text("2")
    bob_page.locator("#personal .notifications-link").click()
    notes = bob_page.locator(".notification-list")
    expect(notes).to_contain_text("reader 回复了你的跟贴")
    expect(notes).to_contain_text("被顶了 1 次")
    bob_page.screenshot(path=str(screenshot_dir / "engagement-notifications.png"), full_page=True)
    bob_page.reload()
    expect(bob_page.locator("#personal .notifications-link")).to_be_visible()
    expect(bob_page.locator("#personal .badge-unread")).to_have_count(0)
    bob_context.close()
    assert js_errors == []


def test_engagement_controls_in_care_mode(context, page, live_server, site, bob_comment):
    """关怀版: the follow, like, comment, reply and 顶 controls a signed-in reader gets are
    60×60 px targets and open no pop-up (window.confirm would be one)."""
    from .test_article_browser import TARGETS_JS

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    context.add_cookies([{"name": "oh_care", "value": "1", "url": live_server.url}])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/article/{site['article'].pk}/")
    expect(page.locator(".author-card .follow-button")).to_be_visible()
    expect(page.locator(".article-actions .like-button")).to_be_visible()
    page.locator("#comments").scroll_into_view_if_needed()
    own = page.locator("#comments-block .thread", has_text="鲍的第一条跟贴")
    expect(own.get_by_role("button", name="删除")).to_be_visible()
    assert page.evaluate(TARGETS_JS) == []
    own.get_by_role("button", name="删除").click()
    expect(page.locator("#comments-block")).to_contain_text("该跟贴已被作者删除")
    assert dialogs == []
