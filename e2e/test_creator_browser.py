"""The creator's path in Chromium: apply, be approved by staff in a second browser context,
write an article with an uploaded image, pass review, publish, and find it on the channel page.
Screenshots of the studio and the analytics page go to var/screenshots/."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from .conftest import VIEWPORT, skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
TITLE = "清晨的江边跑步路线推荐"


def photo(path) -> str:
    image = Image.new("RGB", (1600, 900), (40, 110, 170))
    for x in range(0, 1600, 80):
        image.paste((230, 200, 60), (x, 400, x + 40, 500))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    # allauth's sign-in form: the account field is named "login".
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))


def test_apply_approve_write_publish(
    browser, page, live_server, screenshot_dir, js_errors, tmp_path, transactional_db
):
    from openhao.articles.models import Article
    from openhao.creators.tests.factories import UserFactory
    from openhao.demo.structure import ensure_channels
    from openhao.moderation.roles import REVIEWER, role_group

    channels = ensure_channels()
    sports = channels["sports"]
    UserFactory(username="writer", email="writer@example.com")
    UserFactory(username="editor", is_staff=True).groups.add(role_group(REVIEWER))
    base = live_server.url

    # 1. A reader applies through the 申请入驻 link in the header.
    sign_in(page, base, "writer")
    page.locator(".site-header").get_by_role("link", name="申请入驻").click()
    page.fill("#id_display_name", "江边跑者")
    page.fill("#id_motto", "每天五公里")
    page.select_option("#id_channel", label=sports.name)
    page.fill("#id_intro", "跑步十年，想分享城市里的跑步路线。")
    page.check("#id_real_name_confirmed")
    page.check("#id_rules_accepted")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator(".application-status").inner_text() == "审核中"

    # 2. Staff approve it in a second browser context (another person, another session).
    staff_ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    staff_page = staff_ctx.new_page()
    try:
        sign_in(staff_page, base, "editor")
        staff_page.goto(f"{base}/review/applications/")
        staff_page.get_by_role("link", name="江边跑者").click()
        staff_page.get_by_role("button", name="通过").click()
        assert "已通过" in staff_page.locator(".messages").inner_text()

        # 3. The new creator writes an article with an uploaded image.
        page.reload()
        assert page.locator(".application-status").inner_text() == "已通过"
        page.get_by_role("link", name="进入创作者中心").click()
        page.locator(".subnav").get_by_role("link", name="写文章").click()
        page.fill("#id_title", TITLE)
        page.select_option("#id_channel", label=sports.name)
        editor = page.locator(".ProseMirror[contenteditable=true]")
        editor.wait_for()
        editor.click()
        page.keyboard.type("沿着江边的步道，从大桥跑到老码头，一路都是晨练的人和早点摊。")
        page.keyboard.press("Enter")
        page.set_input_files("#body-image", photo(tmp_path / "river.jpg"))
        page.fill("#body-image-alt", "清晨江边步道上的跑者")
        page.get_by_role("button", name="上传并插入").click()
        page.wait_for_function(
            "() => document.querySelector('.upload-status').textContent === '图片已插入。'"
        )
        assert editor.locator("img[alt='清晨江边步道上的跑者']").count() == 1
        page.fill("#id_topics", "城市跑步")
        page.fill("#id_refs-0-title", "城市步道规划")
        page.fill("#id_refs-0-source", "市规划局")
        page.get_by_role("button", name="添加一行").click()
        page.fill("#id_refs-2-title", "跑步与健康")
        page.fill("#id_refs-2-url", "https://example.com/running")
        page.evaluate("window.scrollTo(0, 0)")  # the editor's toolbar is sticky
        page.screenshot(path=screenshot_dir / "studio-editor.png", full_page=True)

        # Autosave turns the new article into a draft and keeps editing it.
        page.evaluate("window.studioAutosave()")
        page.wait_for_function(
            "() => document.querySelector('.autosave-status').textContent.includes('已自动保存')"
        )
        assert re.search(r"/studio/articles/\d+/$", page.url)
        assert Article.objects.filter(title=TITLE).count() == 1

        page.get_by_role("button", name="提交审核").click()
        assert "已提交审核" in page.locator(".messages").inner_text()
        article = Article.objects.get(title=TITLE)
        assert article.status == Article.Status.PENDING
        assert list(article.references.values_list("title", "source", "url")) == [
            ("城市步道规划", "市规划局", ""),
            ("跑步与健康", "", "https://example.com/running"),
        ]

        # 4. Staff pass it (先审后发) and it is published.
        staff_page.goto(f"{base}/review/articles/")
        staff_page.get_by_role("link", name=TITLE).click()
        staff_page.get_by_role("button", name="通过").click()
        # The click returns before the POST has landed: wait for its answer, as a person would.
        assert f"已通过《{TITLE}》" in staff_page.locator(".messages").inner_text()
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
    finally:
        staff_ctx.close()

    page.goto(f"{base}/studio/")
    assert page.locator(".studio-articles").get_by_text("已发布").count() == 1
    page.screenshot(path=screenshot_dir / "studio.png", full_page=True)

    # A fortnight of engagement, as the engagement features will record it.
    from datetime import timedelta

    from django.utils import timezone

    from openhao.analytics.services import stats_record, stats_record_follow

    today = timezone.localdate()
    for i in range(14):
        day = today - timedelta(days=i)
        stats_record(article=article, metric="reads", amount=120 + 15 * (i % 5), day=day)
        stats_record(article=article, metric="likes", amount=8 + i % 4, day=day)
        stats_record(article=article, metric="comments", amount=2 + i % 3, day=day)
        stats_record(article=article, metric="shares", amount=1 + i % 2, day=day)
        stats_record_follow(creator=article.creator, amount=3 + i % 4, day=day)
    # ...and the public counters that the engagement features bump beside the daily rows.
    from django.db.models import Sum

    from openhao.analytics.models import ArticleDailyStats, CreatorDailyStats
    from openhao.creators.models import Creator

    sums = ArticleDailyStats.objects.filter(article=article).aggregate(
        r=Sum("reads"), l=Sum("likes"), c=Sum("comments"), s=Sum("shares")
    )
    Article.objects.filter(pk=article.pk).update(
        view_count=sums["r"], like_count=sums["l"], comment_count=sums["c"], share_count=sums["s"]
    )
    followers = CreatorDailyStats.objects.aggregate(n=Sum("new_followers"))["n"]
    Creator.objects.filter(pk=article.creator_id).update(follower_count=followers)
    page.goto(f"{base}/studio/analytics/")
    page.wait_for_function("() => document.querySelector('#stats-chart').width > 0")
    assert page.locator(".total-articles").inner_text() == "1"
    assert page.locator(".total-reads").inner_text() == str(sums["r"])
    page.screenshot(path=screenshot_dir / "analytics.png", full_page=True)

    # 5. Readers find it on the channel page, with the image and its alt text.
    reader_page = browser.new_page(viewport=VIEWPORT)
    try:
        reader_page.goto(f"{base}{sports.get_absolute_url()}")
        reader_page.get_by_role("link", name=TITLE).first.click()
        assert reader_page.locator("h1#article-title").inner_text() == TITLE
        assert reader_page.locator(".article-body img[alt='清晨江边步道上的跑者']").count() == 1
    finally:
        reader_page.close()
    assert js_errors == []


def test_care_mode_forms(context, page, live_server, screenshot_dir, js_errors, transactional_db):
    """关怀版 on the application form and the studio editor: every target at least 60×60 px
    (the editor's own toolbar included), and no script errors."""
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    from .test_article_browser import TARGETS_JS

    ensure_channels()
    UserFactory(username="applicant")
    CreatorFactory(user=UserFactory(username="writer"), display_name="关怀作者")
    base = live_server.url
    context.add_cookies([{"name": "oh_care", "value": "1", "url": base}])

    sign_in(page, base, "applicant")
    page.goto(f"{base}/creator/apply/")
    assert page.evaluate(TARGETS_JS) == []
    page.screenshot(path=screenshot_dir / "apply-care.png", full_page=True)

    page.context.clear_cookies()
    context.add_cookies([{"name": "oh_care", "value": "1", "url": base}])
    sign_in(page, base, "writer")
    page.goto(f"{base}/studio/articles/new/")
    page.locator(".ProseMirror[contenteditable=true]").wait_for()
    assert page.evaluate(TARGETS_JS) == []
    page.screenshot(path=screenshot_dir / "studio-editor-care.png", full_page=True)
    assert js_errors == []


PASTE_JS = """
(html) => {
  const target = document.querySelector(".ProseMirror[contenteditable=true]");
  target.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "fallback");
  const event = new ClipboardEvent(
    "paste", {clipboardData: data, bubbles: true, cancelable: true});
  target.dispatchEvent(event);
}
"""

PASTED = (
    '<meta charset="utf-8"><p class="MsoNormal" style="font-family:宋体;color:red">'
    '<span style="font-size:20pt" onclick="steal()">'
    "从文档里复制的一段文字，带着各种格式和样式。</span>"
    "<o:p></o:p></p><script>alert(1)</script>"
    '<h1 style="color:blue">一级标题</h1>'
    '<p><b>加粗</b>和<a href="javascript:alert(1)">坏链接</a></p>'
    "<table><tr><td>表格</td></tr></table>"
)


def test_pasted_formatting_is_cleaned(page, live_server, js_errors, policy_watch, transactional_db):
    """Paste of formatted text: the editor keeps only what its schema knows, and what is saved
    has no styles, scripts, classes or javascript: links. The Content-Security-Policy already
    blocks the pasted style attributes and event handler while the editor reads the paste."""
    from openhao.articles.models import Article
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    channels = ensure_channels()
    CreatorFactory(
        user=UserFactory(username="writer"), display_name="粘贴作者", main_channel=channels["tech"]
    )
    base = live_server.url
    sign_in(page, base, "writer")
    page.goto(f"{base}/studio/articles/new/")
    page.fill("#id_title", "粘贴格式清理测试标题")
    page.locator(".ProseMirror[contenteditable=true]").wait_for()
    page.evaluate(PASTE_JS, PASTED)
    pasted = r"style-src-attr|script-src-attr|Applying inline style|Executing inline event handler"
    blocked = []
    for _ in range(20):  # the reports arrive asynchronously
        blocked += policy_watch.take(pasted)
        if any("style-src-attr" in v for v in blocked) and any(
            "script-src-attr" in v for v in blocked
        ):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # stragglers (console messages) of the same paste
    blocked += policy_watch.take(pasted)
    assert blocked, "the pasted style attributes and onclick were not blocked"
    editor_html = page.locator(".ProseMirror[contenteditable=true]").inner_html()
    assert "从文档里复制的一段文字" in editor_html
    assert "font-family" not in editor_html and "MsoNormal" not in editor_html
    page.get_by_role("button", name="保存草稿").click()
    assert "已保存" in page.locator(".messages").inner_text()
    body = Article.objects.get(title="粘贴格式清理测试标题").body_html
    assert "从文档里复制的一段文字" in body and "<strong>加粗</strong>" in body
    for bad in ("style=", "class=", "<script", "onclick", "javascript:", "<span", "o:p", "<h1"):
        assert bad not in body, (bad, body)
    assert js_errors == []


def test_leaving_the_editor_autosaves(page, live_server, js_errors, transactional_db):
    """No lost work when the page is left: the editor sends what it has with sendBeacon."""
    import time

    from openhao.articles.models import Article
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    channels = ensure_channels()
    CreatorFactory(
        user=UserFactory(username="writer"), display_name="离开作者", main_channel=channels["tech"]
    )
    base = live_server.url
    sign_in(page, base, "writer")
    page.goto(f"{base}/studio/articles/new/")
    page.fill("#id_title", "写到一半就关掉的文章")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("这一段还没有保存。")
    page.goto(f"{base}/accessibility/")  # leave without saving
    for _ in range(50):  # the beacon is sent asynchronously
        if Article.objects.filter(title="写到一半就关掉的文章").exists():
            break
        time.sleep(0.1)
    article = Article.objects.get(title="写到一半就关掉的文章")
    assert article.status == Article.Status.DRAFT
    assert "这一段还没有保存。" in article.body_html
    assert js_errors == []
