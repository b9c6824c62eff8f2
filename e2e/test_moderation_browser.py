"""Trust and safety in Chromium: a reader reports a comment, an operator removes it from the
queue, the author reads the notice and appeals, a second operator grants the appeal, and the
comment is back. Screenshots of the queue, an action's detail and the credit page go to
var/screenshots/."""

from __future__ import annotations

import re

import pytest

from .conftest import VIEWPORT, skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
BODY = "楼主就是个骗子，大家别信他"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/$"))


def _second(browser, base, username):
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = ctx.new_page()
    sign_in(page, base, username)
    return ctx, page


def test_report_remove_appeal_restore(browser, page, live_server, screenshot_dir, js_errors):
    from openhao.articles.tests.factories import ArticleFactory
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.engagement import services as engagement_services
    from openhao.engagement.models import Comment
    from openhao.moderation.models import ModerationAction
    from openhao.moderation.roles import OPERATOR, role_group

    article = ArticleFactory(creator=CreatorFactory(), title="城市夜跑路线推荐", view_count=800)
    writer = UserFactory(username="writer", nickname="夜跑的人")
    UserFactory(username="reader", nickname="热心读者")
    for name, nickname in (("op1", "值班运营甲"), ("op2", "值班运营乙")):
        UserFactory(username=name, nickname=nickname).groups.add(role_group(OPERATOR))
    comment = engagement_services.comment_create(user=writer, article=article, body=BODY)
    base = live_server.url
    comments_url = f"{base}/article/{article.pk}/comments/"

    # 1. A reader reports the comment (htmx swaps the link for the form, then for 已举报).
    sign_in(page, base, "reader")
    page.goto(comments_url)
    entry = page.locator(f"#comment-{comment.pk}")
    entry.get_by_role("link", name="举报").click()
    entry.get_by_label("人身攻击/辱骂").check()
    entry.get_by_role("button", name="提交举报").click()
    entry.locator(".report-done").wait_for()
    assert "已举报" in entry.inner_text()

    contexts = []
    try:
        # 2. An operator removes it from the queue.
        op1_ctx, op1 = _second(browser, base, "op1")
        contexts.append(op1_ctx)
        op1.goto(f"{base}/manage/")
        queue = op1.locator("#queue-reports").locator("..")
        assert "1 人举报" in queue.inner_text()
        op1.screenshot(path=screenshot_dir / "moderation-queue.png", full_page=True)
        queue.get_by_role("link", name="查看并处置").click()
        op1.get_by_label("下架 / 移除").check()
        op1.select_option("#id_rule", "abuse")
        op1.fill("#id_reason", "跟贴含有人身攻击内容")
        op1.fill("#id_evidence", "被 1 位读者举报；原文见处置前状态")
        op1.get_by_role("button", name="确认处置").click()
        assert "已处置" in op1.locator(".messages").inner_text()
        comment.refresh_from_db()
        assert comment.moderation_state == Comment.State.REMOVED

        # 3. The author reads the notice, opens the action and appeals.
        writer_ctx, author = _second(browser, base, "writer")
        contexts.append(writer_ctx)
        author.goto(f"{base}/me/notifications/")
        notice = author.locator(".notification").filter(has_text="人身攻击")
        notice.get_by_role("link", name="查看详情").click()
        assert "跟贴含有人身攻击内容" in author.locator(".my-action").inner_text()
        author.screenshot(path=screenshot_dir / "moderation-action.png", full_page=True)
        author.fill("#id_text", "我是在提醒别人注意虚假宣传，并非人身攻击。")
        author.get_by_role("button", name="提交申诉").click()
        assert "待裁决" in author.locator(".appeal-status").inner_text()

        # 4. The operator who acted may not decide; a second operator grants the appeal.
        op1.goto(f"{base}/manage/")
        op1.get_by_role("link", name="裁决").click()
        assert "其他运营人员" in op1.locator("main").inner_text()
        op2_ctx, op2 = _second(browser, base, "op2")
        contexts.append(op2_ctx)
        op2.goto(f"{base}/manage/")
        op2.get_by_role("link", name="裁决").click()
        op2.get_by_label("申诉成立：撤销处置并恢复").check()
        op2.fill("#id_reason", "复核后认为属于正常提醒")
        op2.get_by_role("button", name="提交裁决").click()
        assert "已裁决" in op2.locator(".messages").inner_text()
        op2.goto(f"{base}/manage/log/")
        removal = ModerationAction.objects.get(kind=ModerationAction.Kind.REMOVE)
        op2.get_by_role("link", name=f"#{removal.pk}", exact=True).first.click()
        assert "处置前" in op2.locator("main").inner_text()
        op2.screenshot(path=screenshot_dir / "moderation-action-log.png", full_page=True)

        # 5. The comment is back, and the credit is whole again.
        page.goto(comments_url)
        assert BODY in page.locator(f"#comment-{comment.pk}").inner_text()
        author.goto(f"{base}/me/moderation/credit/")
        assert author.locator(".credit-score strong").inner_text() == "100"
        author.screenshot(path=screenshot_dir / "moderation-credit.png", full_page=True)
    finally:
        for ctx in contexts:
            ctx.close()
    assert js_errors == []
