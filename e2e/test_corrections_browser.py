"""更正 and 纠错 in Chromium: a reader selects a wrong sentence and sends a 纠错 from the button
by the selection, the creator accepts it in the studio (the edit opens as a correction with its
note), and a reader follows "本文已更正 1 次" to the log with its sentence diff. axe-core finds
no WCAG violation on the log page; the screenshot is var/screenshots/corrections.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import skip_module_without_browser
from .test_creator_browser import sign_in
from .test_pages_browser import axe_violations

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<h2>第一天</h2><p>我们在5月3日抵达杭州，住在河坊街附近。傍晚沿着南山路散步，湖风很凉。</p>"
    "<h2>第二天</h2><p>一早去了西湖，苏堤上的人不多。中午在楼外楼吃了西湖醋鱼；味道偏甜。</p>"
    "<p>下午坐船去了三潭印月。晚上回到旅馆，整理照片到很晚。</p>"
)
NEW_TEXT = (
    "我们在5月4日抵达杭州，住在河坊街附近。傍晚沿着南山路散步，湖风很凉。"
    "一早去了西湖，苏堤上的人不多。中午在楼外楼吃了西湖醋鱼；味道偏甜。"
    "下午坐船去了三潭印月。晚上回到旅馆，整理照片到很晚。"
)


@pytest.fixture
def story(transactional_db):
    from openhao.articles.tests.factories import ArticleFactory
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    channels = ensure_channels()
    creator = CreatorFactory(
        user=UserFactory(username="traveller"),
        display_name="山河旅行笔记",
        main_channel=channels["travel"],
        approved_article_count=99,  # past 先审后发: the edit goes out at once
    )
    UserFactory(username="careful-reader", nickname="细心的读者")
    return ArticleFactory(
        creator=creator,
        channel=channels["travel"],
        title="杭州三日游：西湖、河坊街与三潭印月",
        summary="三天两夜的杭州行程。",
        body_html=BODY,
        published_at=timezone.now() - timedelta(days=2),
    )


def _select(page, text: str) -> None:
    """Select ``text`` inside the article body as a reader's mouse would."""
    page.evaluate(
        """(text) => {
          const body = document.getElementById('article-body');
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode, at = node.data.indexOf(text);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + text.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              return;
            }
          }
          throw new Error('text not found: ' + text);
        }""",
        text,
    )


def test_reader_suggests_creator_corrects_reader_reads_the_log(
    browser, page, live_server, screenshot_dir, js_errors, story
):
    from openhao.articles.models import ArticleChange
    from openhao.corrections.models import Suggestion

    base = live_server.url
    # The reader selects the wrong date; the 纠错 button by the selection fills the passage in.
    sign_in(page, base, "careful-reader")
    page.goto(f"{base}{story.get_absolute_url()}")
    _select(page, "我们在5月3日抵达杭州")
    button = page.locator("a.suggest-float")
    button.wait_for(state="visible")
    button.click()
    page.wait_for_url(f"**/article/{story.pk}/suggest/**")
    assert page.input_value("#id_passage") == "我们在5月3日抵达杭州"
    page.fill("#id_text", "抵达日期应为5月4日，我和作者同一班车。")
    page.get_by_role("button", name="提交纠错").click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    # The cached article page shows the message through the personal fragment, once loaded.
    page.get_by_text("纠错已提交给作者").wait_for()
    assert Suggestion.objects.filter(status="open").count() == 1

    # The creator accepts it: the edit opens with the correction box ticked and the note drafted.
    creator_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    creator_page = creator_context.new_page()
    sign_in(creator_page, base, "traveller")
    creator_page.goto(f"{base}/studio/corrections/")
    assert "抵达日期应为5月4日" in creator_page.content()
    creator_page.get_by_role("link", name="采纳并更正").click()
    creator_page.locator(".ProseMirror[contenteditable=true]").wait_for()
    assert creator_page.is_checked("#id_is_correction")
    creator_page.fill(
        "#id_correction_note", "原文把抵达日期误写为5月3日，已更正为5月4日。感谢读者指正。"
    )
    editor = creator_page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    creator_page.keyboard.press("Control+A")
    creator_page.keyboard.insert_text(NEW_TEXT)
    creator_page.get_by_role("button", name="更新文章").click()
    creator_page.wait_for_url("**/studio/articles/**")
    suggestion = Suggestion.objects.get()
    assert suggestion.status == "accepted" and suggestion.change is not None
    assert ArticleChange.objects.get().kind == "correction"
    creator_context.close()

    # Any reader: the article says it was corrected, and the log shows what changed.
    reader_context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    anonymous = reader_context.new_page()
    anonymous.goto(f"{base}{story.get_absolute_url()}")
    anonymous.get_by_role("link", name="本文已更正 1 次").click()
    anonymous.wait_for_url(f"**/article/{story.pk}/corrections/")
    log = anonymous.locator(".log-entries")
    assert "原文把抵达日期误写为5月3日" in log.inner_text()
    deleted = log.locator(".diff-del del").all_inner_texts()
    inserted = log.locator(".diff-ins ins").all_inner_texts()
    assert any(t.startswith("我们在5月3日") for t in deleted), deleted
    assert any(t.startswith("我们在5月4日") for t in inserted), inserted
    assert axe_violations(anonymous) == []
    anonymous.screenshot(path=str(screenshot_dir / "corrections.png"), full_page=True)
    reader_context.close()
    assert js_errors == []
