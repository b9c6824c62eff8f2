"""The details a new user meets, in Chromium: keyboard focus through the comments that htmx
loads, the sign-in message on the (cached) next page, the editor in Chinese with a named
editable area, and the header and title on a 390 px phone in both modes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import skip_module_without_browser
from .test_pages_browser import axe_violations

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
    # As a person would: the page's personal fragment (which issues the CSRF cookie) arrives
    # before the next click. Leaving sooner let its late cookie replace the sign-in form's
    # under load (a 403, now the site's own page: common/tests/test_csrf_failure.py).
    expect(page.locator("#personal .personal-data")).to_be_attached()
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


# Every label, tooltip and option text of the editor's toolbar (and of a dialog it opens) that
# is written in Latin letters. Material icon buttons show their icon by ligature ("format_bold")
# and are named by their aria-label, so their text is not a label; the ordered-list styles are
# shown by example ("i, ii, iii, ..."), which needs no translation.
ENGLISH_JS = """(selector) => {
  const found = [];
  const example = /^([a-zA-Z]+|\\d+)(, ([a-zA-Z]+|\\d+))*, \\.\\.\\.$/;
  for (const root of document.querySelectorAll(selector)) {
    for (const el of [root, ...root.querySelectorAll("*")]) {
      for (const attr of ["title", "aria-label", "placeholder"]) {
        const value = el.getAttribute(attr);
        if (value && /[A-Za-z]{2,}/.test(value)) found.push(`${attr}: ${value}`);
      }
      if (el.classList.contains("material-icons")) continue;
      for (const node of el.childNodes) {
        const text = node.nodeType === 3 ? node.textContent.trim() : "";
        if (/[A-Za-z]{2,}/.test(text) && !example.test(text)) found.push(`text: ${text}`);
      }
    }
  }
  return [...new Set(found)];
}"""


@pytest.fixture
def writer(transactional_db):
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    channels = ensure_channels()
    return CreatorFactory(
        user=UserFactory(username="writer"), display_name="写作者", main_channel=channels["tech"]
    )


def test_the_editor_speaks_chinese_and_its_editable_area_is_named(
    page, live_server, writer, js_errors
):
    sign_in(page, live_server.url, "writer")
    page.goto(f"{live_server.url}/studio/articles/new/")
    page.wait_for_selector(".prose-menubar")
    # The block-type picker and the ordered-list properties show once there is a list.
    editor = page.get_by_role("textbox", name="正文")
    expect(editor).to_have_count(1)
    editor.click()
    page.keyboard.type("第一段")
    page.locator(".prose-menubar button[aria-label='有序列表']").click()
    assert page.evaluate(ENGLISH_JS, ".prose-menubar") == []
    titles = page.eval_on_selector_all(
        ".prose-menubar [title]", "els => els.map((e) => e.getAttribute('title'))"
    )
    for expected in ("加粗", "插入链接", "撤销", "列表属性"):
        assert expected in titles, titles
    options = page.locator(".prose-menubar__picker").all_inner_texts()
    assert "二级标题" in "".join(options), options
    # The picker's arrow is a character the usual fonts have (the editor's own U+23F7 drew a
    # box on this machine's CJK font).
    arrow = page.eval_on_selector(
        ".prose-menubar__selected", "(el) => getComputedStyle(el, '::after').content"
    )
    assert arrow == '"\u25be"', arrow

    # A dialog the toolbar opens is in Chinese too.
    page.locator(".prose-menubar button[aria-label='列表属性']").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    assert page.evaluate(ENGLISH_JS, "dialog[open]") == []
    expect(dialog.get_by_role("button", name="取消")).to_be_visible()
    dialog.get_by_role("button", name="取消").click()
    editor.click()
    page.keyboard.press("Control+A")
    page.locator(".prose-menubar button[aria-label='插入链接']").click()
    expect(dialog).to_be_visible()
    assert page.evaluate(ENGLISH_JS, "dialog[open]") == []
    expect(dialog.get_by_label("链接地址")).to_be_visible()
    dialog.get_by_role("button", name="取消").click()

    # The 正文 label leads to the editable area.
    page.locator("label[for=id_body_html]").click()
    assert page.evaluate("document.activeElement.classList.contains('ProseMirror')")
    # Save what was typed now: otherwise the editor sends it on leaving, while the test's
    # database is being emptied.
    page.evaluate("window.studioAutosave()")
    page.wait_for_function(
        "() => document.querySelector('.autosave-status').textContent.includes('已自动保存')"
    )
    assert js_errors == []


LINES_JS = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_phone_header_leaves_room_for_the_title(
    browser, live_server, site, writer, care, signed_in, screenshot_dir
):
    """On a 390×844 phone the header takes at most a quarter of the first screen; in care mode
    (24 px text, 60 px targets) the article's title still shows in the first screen. The
    search form and the personal links wrap instead of widening the page, and 搜索 stays on
    one line."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        if care:
            context.add_cookies([{"name": "oh_care", "value": "1", "url": live_server.url}])
        page = context.new_page()
        if signed_in:
            writer.user.is_staff = True  # the longest header: every personal link
            writer.user.save()
            sign_in(page, live_server.url, "writer")
        page.goto(f"{live_server.url}{site['article'].get_absolute_url()}")
        page.wait_for_load_state("networkidle")
        if signed_in:
            expect(page.locator("#personal .personal-name")).to_be_visible()
        header = page.locator(".site-header").bounding_box()
        title = page.locator("h1#article-title").bounding_box()
        name = f"phone-header-{'care' if care else 'normal'}-{signed_in and 'in' or 'out'}.png"
        page.screenshot(path=screenshot_dir / name)
        if care:
            assert title["y"] + title["height"] <= PHONE["height"], (header, title)
        else:
            assert header["y"] + header["height"] <= PHONE["height"] / 4, header
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        button = page.locator(".site-search button")
        assert page.evaluate(LINES_JS, button.element_handle()) == 1
    finally:
        context.close()


DESKTOP = {"width": 1366, "height": 900}
SCROLL_THROUGH_JS = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
    scrollTo(0, y);
    await new Promise((done) => setTimeout(done, 50));
  }
  scrollTo(0, 0);
}"""


@pytest.fixture
def covered_site(site):
    """The site with covers on the neighbours, so thumbnails and box headlines show."""
    import random

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from openhao.articles.tests.factories import ArticleFactory
    from openhao.demo.images import PALETTES, scene_jpeg

    rng = random.Random(11)
    palettes = sorted(PALETTES)
    extra = [
        ArticleFactory(
            channel=site["article"].channel, title=f"城市跑者的第{i}个清晨", view_count=400 + i
        )
        for i in range(12)
    ]
    for i, article in enumerate([*site["neighbours"], *site["past"], *extra]):
        jpeg = scene_jpeg(rng, palette=palettes[i % len(palettes)], width=640, height=360)
        article.cover.save(f"cover{i}.jpg", ContentFile(jpeg), save=False)
        article.cover_alt = f"{article.title}的封面"
        article.save(update_fields=["cover", "cover_alt"])
    # The pictures the rich article's body shows.
    for name, palette in (("demo/start.png", "dawn"), ("demo/water.png", "spring")):
        if not default_storage.exists(name):
            default_storage.save(
                name, ContentFile(scene_jpeg(rng, palette=palette, width=640, height=360))
            )
    return site


def serve_media(context) -> None:
    """The test server does not serve /media/ (production leaves it to the proxy): answer it
    from the storage in the browser, so the screenshots show the pictures."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    def handle(route):
        name = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
        if not default_storage.exists(name):
            route.fulfill(status=404)
            return
        with default_storage.open(name) as handle_file:
            body = handle_file.read()
        kind = "image/png" if body[:4] == b"\x89PNG" else "image/jpeg"
        route.fulfill(status=200, body=body, headers={"Content-Type": kind})

    context.route(f"**{settings.MEDIA_URL}**", handle)


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_screenshots_of_the_article_page_and_the_editor(
    browser, live_server, covered_site, writer, care, screenshot_dir, js_errors
):
    """Full-page screenshots for a look: the article page at 1366×900 and 390×844, and the
    studio editor, in both modes (var/screenshots/)."""
    mode = "care" if care else "normal"
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        try:
            serve_media(context)
            if care:
                context.add_cookies([{"name": "oh_care", "value": "1", "url": live_server.url}])
            page = context.new_page()
            page.on("pageerror", lambda exc: js_errors.append(str(exc)))
            page.goto(f"{live_server.url}{covered_site['article'].get_absolute_url()}")
            page.locator("#comments").scroll_into_view_if_needed()
            page.wait_for_selector("#comments-block")
            page.wait_for_load_state("networkidle")
            # Walk down the page so that the lazy images load before the full-page shot.
            page.evaluate(SCROLL_THROUGH_JS)
            page.wait_for_load_state("networkidle")
            assert page.locator(".hot-list .hot-item").count() >= 15
            page.screenshot(path=screenshot_dir / f"article-{mode}-{label}.png", full_page=True)
            # With pictures in the hot list and the channel boxes, too.
            assert axe_violations(page) == []

            sign_in(page, live_server.url, "writer")
            page.goto(f"{live_server.url}/studio/articles/new/")
            page.wait_for_selector(".prose-menubar")
            page.screenshot(
                path=screenshot_dir / f"studio-editor-{mode}-{label}.png", full_page=True
            )
        finally:
            context.close()
    assert js_errors == []
