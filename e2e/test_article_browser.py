"""The article page in a real browser (Debian's Chromium through Playwright): the two-column
layout and share menu, 关怀版 (care mode) measured against the MIIT 适老化 rules, and keyboard
operation. Screenshots go to var/screenshots/."""

from __future__ import annotations

import re

import pytest

from .conftest import RICH_TITLE, skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 40
MIN_TARGET = 60
TOLERANCE = 0.5  # layout rounds to fractions of a pixel
CONTRAST_SELECTORS = (".article-body p", ".item-meta", ".hot-meta", ".disclaimer p")

# Records what the read-aloud button would say instead of speaking it.
SPEECH_STUB = """
window.__spoken = [];
if ("speechSynthesis" in window) {
  window.speechSynthesis.speak = function (utterance) { window.__spoken.push(utterance.text); };
}
"""

TARGETS_JS = """
() => {
  const offenders = [];
  for (const el of document.querySelectorAll("main a, main button, main summary, main input")) {
    if (!el.checkVisibility({checkVisibilityCSS: true, contentVisibilityAuto: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.width < MIN || r.height < MIN) {
      const label = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
      offenders.push(`${el.tagName.toLowerCase()}.${el.className || "-"} "${label.slice(0, 30)}" ` +
                     `${r.width.toFixed(1)}×${r.height.toFixed(1)}`);
    }
  }
  return offenders;
}
""".replace("MIN", str(MIN_TARGET - TOLERANCE))

# Text colour and the background it is painted on: the element's own and its ancestors'
# backgrounds, composited from the first opaque one (or white) upwards.
COLOURS_JS = """
(el) => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]*)\\)/);
    if (!m) throw new Error("unexpected colour " + value);
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3]));
  const layers = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
  }
  let background = [255, 255, 255];
  for (const layer of layers.reverse()) background = over(layer, background);
  const color = parse(getComputedStyle(el).color);
  return {text: el.innerText.trim().slice(0, 30), color: over(color, background), background};
}
"""

# Vertical centre of every visible piece of text in an element: the links, grown to 60 px in
# care mode, must not push their text off the line of the plain text beside them.
TEXT_CENTRES_JS = """
(el) => {
  const centres = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !node.parentElement.checkVisibility()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getClientRects()[0];
    if (rect) centres.push([node.textContent.trim().slice(0, 20), rect.top + rect.height / 2]);
  }
  return centres;
}
"""


def _luminance(rgb) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg, bg) -> float:
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def box(page, selector: str) -> dict:
    result = page.locator(selector).first.bounding_box()
    assert result is not None, f"{selector} is not rendered"
    return result


def style(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )


def px(value: str) -> float:
    assert value.endswith("px"), value
    return float(value[:-2])


def focused_text(page) -> str:
    return page.evaluate("(document.activeElement.innerText || '').trim()")


def low_contrast(page, selectors=CONTRAST_SELECTORS) -> list[str]:
    """Every element of the given selectors whose text contrast is under 4.5:1."""
    low = []
    for selector in selectors:
        elements = page.locator(selector)
        assert elements.count() > 0, f"no {selector} on the page"
        for i in range(elements.count()):
            colours = elements.nth(i).evaluate(COLOURS_JS)
            ratio = contrast_ratio(colours["color"], colours["background"])
            if ratio < 4.5:
                low.append(f"{selector} {colours} ratio {ratio:.2f}")
    return low


def misaligned(page, selector: str, tolerance: float = 4) -> list:
    """The text centres in the first `selector` when they are not on one line."""
    centres = page.locator(selector).first.evaluate(TEXT_CENTRES_JS)
    assert len(centres) >= 2, (selector, centres)
    ys = [y for _, y in centres]
    return [] if max(ys) - min(ys) <= tolerance else [selector, centres]


def article_url(live_server, article) -> str:
    return f"{live_server.url}/article/{article.pk}/"


def test_article_page_normal_mode(page, live_server, site, screenshot_dir, js_errors):
    article = site["article"]
    page.goto(article_url(live_server, article))

    assert page.title().startswith(RICH_TITLE)
    assert page.locator("h1#article-title").inner_text() == RICH_TITLE
    crumbs = page.locator("nav.breadcrumb li")
    assert crumbs.count() == 3
    assert crumbs.nth(0).inner_text().endswith("首页")
    assert crumbs.nth(1).inner_text().endswith("号")
    assert crumbs.nth(2).inner_text() == "正文"
    assert crumbs.nth(2).get_attribute("aria-current") == "page"
    assert page.locator(".article-body h2").count() == 3
    assert page.locator(".article-body figure img[alt]").count() == 2
    assert page.locator(".article-body figcaption").count() == 2
    assert page.locator(".hashtags a").first.inner_text() == "#春季图文激励计划#"
    for list_selector in (".related .article-item", ".hot-list li a", ".past li a", ".box li"):
        assert page.locator(list_selector).count() > 0, f"{list_selector} is empty"

    # 分享至 opens from the keyboard and shows the copy button, the QR code and the links.
    panel = page.locator(".share-panel")
    assert not panel.is_visible()
    page.locator(".share summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("details.share").evaluate("el => el.open")
    assert panel.is_visible()
    assert page.get_by_role("button", name="复制链接").is_visible()
    assert page.locator(".share-weibo").is_visible()
    assert page.locator(".share-qq").is_visible()
    qr = page.locator(".share-qr img")
    assert qr.is_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=5_000
    )
    assert qr.evaluate("img => img.naturalWidth") > 0

    # Two columns: the sidebar sits to the right of the article.
    main_box, side_box = box(page, "article.article"), box(page, ".sidebar")
    assert side_box["x"] > main_box["x"] + main_box["width"] - 1, (main_box, side_box)
    assert page.evaluate("document.documentElement.classList.contains('care')") is False
    assert low_contrast(page) == []

    page.screenshot(path=screenshot_dir / "article-normal.png", full_page=True)
    assert js_errors == []


def test_care_mode(context, page, live_server, site, screenshot_dir, js_errors):
    article, creator = site["article"], site["creator"]
    context.add_init_script(SPEECH_STUB)
    page.goto(article_url(live_server, article))

    # Reach 进入关怀版 by keyboard and follow it.
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused_text(page) == "进入关怀版":
            break
    else:
        pytest.fail(f"进入关怀版 not reached in {MAX_TABS} Tab presses")
    with page.expect_navigation(url=re.compile(rf"/article/{article.pk}/$")):
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('care')")

    # One column: the sidebar comes below the article, aligned with it.
    main_box, side_box = box(page, "article.article"), box(page, ".sidebar")
    assert side_box["y"] >= main_box["y"] + main_box["height"] - 1, (main_box, side_box)
    assert abs(side_box["x"] - main_box["x"]) <= 2, (main_box, side_box)

    # The 60 px links stay on one line with the plain text beside them.
    for selector in (".item-meta", ".breadcrumb ol"):
        off_line = misaligned(page, selector)
        assert not off_line, off_line

    # Text size, line height and paragraph spacing.
    font_size = px(style(page, ".article-body p", "font-size"))
    line_height = px(style(page, ".article-body p", "line-height"))
    margin = px(style(page, ".article-body p", "margin-bottom"))
    assert font_size >= 24, font_size
    assert line_height >= 1.3 * font_size, (line_height, font_size)
    assert margin >= 1.3 * line_height, (margin, line_height)

    # The extra-large cursor.
    assert "cursor-xl" in style(page, "body", "cursor")

    # Contrast of body text and the small print.
    assert low_contrast(page) == []

    # No pop-ups: the share menu opens in place.
    page.locator(".share summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".share-panel").is_visible()
    assert style(page, ".share-panel", "position") == "static"

    # Every target in the page body, including the opened share menu, is at least 60×60.
    assert page.evaluate(TARGETS_JS) == []

    # Read aloud, where the browser can speak.
    reader = page.locator(".read-aloud")
    if page.evaluate("'speechSynthesis' in window"):
        assert reader.is_visible()
        reader.click()
        spoken = page.evaluate("window.__spoken")
        assert len(spoken) == 1 and spoken[0].startswith(RICH_TITLE), spoken
    else:
        assert not reader.is_visible()

    page.screenshot(path=screenshot_dir / "article-care.png", full_page=True)

    # The choice persists across pages.
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.evaluate(TARGETS_JS) == []
    page.screenshot(path=screenshot_dir / "home-care.png", full_page=True)
    page.goto(f"{live_server.url}/creator/{creator.pk}/")
    assert page.evaluate("document.documentElement.classList.contains('care')")

    # And switches off again.
    with page.expect_navigation(url=re.compile(rf"/creator/{creator.pk}/$")):
        page.locator(".tools").get_by_role("link", name="退出关怀版").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('care')") is False
    assert page.locator(".tools").get_by_role("link", name="进入关怀版").is_visible()
    assert js_errors == []


def test_read_aloud_stays_hidden_without_speech_synthesis(context, page, live_server, site):
    context.add_init_script("delete window.speechSynthesis;")
    context.add_cookies([{"name": "oh_care", "value": "1", "url": live_server.url}])
    page.goto(article_url(live_server, site["article"]))
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.evaluate("'speechSynthesis' in window") is False
    assert not page.locator(".read-aloud").is_visible()


def test_keyboard_skip_link_and_visible_focus(page, live_server, site, js_errors):
    page.goto(article_url(live_server, site["article"]))

    page.keyboard.press("Tab")
    assert focused_text(page) == "跳到主要内容"
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    skip = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
    assert skip["left"] >= 0 and skip["top"] >= 0, skip  # shown on screen once focused

    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")

    # The next stops are inside main, and each shows its focus.
    for _ in range(8):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement;
                return {inMain: !!el.closest("main"), text: (el.innerText || "").trim(),
                        outline: getComputedStyle(el).outlineStyle};
            }"""
        )
        assert state["inMain"], state
        assert state["outline"] != "none", state
    assert js_errors == []


def test_focus_stays_on_the_like_button_when_its_fragment_arrives(page, live_server, site):
    """The like button is a placeholder until the reader's own fragment replaces it; a keyboard
    user who reached it first must not be thrown back to the top of the page."""
    held = []
    page.route("**/_/article/*/actions", lambda route: held.append(route))
    page.goto(article_url(live_server, site["article"]))
    page.wait_for_function("() => document.querySelector('.article-actions .like-button')")
    page.focus(".article-actions .like-button")
    for _ in range(50):  # the fragment's request reaches the route a moment after load
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the actions fragment was never requested"
    held[0].continue_()
    page.wait_for_selector(".article-actions .read-count")
    assert page.evaluate("document.activeElement.classList.contains('like-button')")
    assert page.evaluate("!!document.activeElement.closest('.article-actions')")


def test_care_mode_switch_without_javascript(browser, live_server, site):
    """No script: the link opens the switch's own page, whose button posts it (with a CSRF
    token) and comes back to the article in care mode."""
    article = site["article"]
    ctx = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(article_url(live_server, article))
        page.locator(".tools").get_by_role("link", name="进入关怀版").click()
        assert re.search(r"/care/on/\?next=", page.url)
        assert "oh_care" not in {c["name"] for c in ctx.cookies()}  # a GET changes nothing
        with page.expect_navigation(url=re.compile(rf"/article/{article.pk}/$")):
            page.locator("main").get_by_role("button", name="进入关怀版").click()
        assert page.locator("html.care").count() == 1
        page.locator(".tools").get_by_role("link", name="退出关怀版").click()
        with page.expect_navigation(url=re.compile(rf"/article/{article.pk}/$")):
            page.locator("main").get_by_role("button", name="退出关怀版").click()
        assert page.locator("html.care").count() == 0
    finally:
        ctx.close()
