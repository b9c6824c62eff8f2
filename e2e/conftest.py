"""Fixtures for the browser tests: one headless Debian Chromium per run, a fresh page per test
and a realistic article page built with the factories."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

# Playwright's sync API keeps an event loop running in the test thread; without this Django
# refuses database access from the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
RICH_TITLE = "跑进春天：一座城市的马拉松记忆"


def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"Playwright is not installed ({exc}); pip install -e '.[dev]'"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found; apt-get install chromium"
    return None


def browser_required() -> bool:
    return os.environ.get("OPENHAO_REQUIRE_BROWSER", "").strip() == "1"


def skip_module_without_browser() -> None:
    """Called at the top of each browser test module: skip it when Chromium cannot run, unless
    OPENHAO_REQUIRE_BROWSER=1 (CI), where that is an error rather than a silent skip."""
    reason = browser_unavailable_reason()
    if not reason:
        return
    if browser_required():
        raise RuntimeError(f"OPENHAO_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


# Every page of every context reports its Content-Security-Policy violations to the test
# (the `securitypolicyviolation` event, through an exposed binding), and Chromium's console
# messages about CSP or Permissions-Policy are kept too: what the event cannot see (a header
# the browser could not parse, a violation in a worker) still shows there.
CSP_WATCH_JS = """
(() => {
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__ohPolicyViolation({
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
      page: document.location.href,
      disposition: event.disposition,
    });
  }, true);
})();
"""
POLICY_CONSOLE = re.compile(r"Content.Security.Policy|Permissions.Policy|permissions policy", re.I)


class PolicyWatch:
    """Collects CSP violations (and Permissions-Policy complaints) of the browser contexts it
    is attached to; ``no_policy_violations`` asserts the list is empty after each test."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def attach(self, ctx):
        ctx.expose_binding("__ohPolicyViolation", self._report)
        ctx.add_init_script(CSP_WATCH_JS)
        ctx.on("console", self._console)
        return ctx

    def take(self, pattern: str) -> list[str]:
        """Remove and return the violations matching ``pattern``: for a test that provokes
        some on purpose (and asserts that the policy blocked them)."""
        taken = [v for v in self.violations if re.search(pattern, v)]
        self.violations[:] = [v for v in self.violations if v not in taken]
        return taken

    def _report(self, source, violation: dict) -> None:
        self.violations.append(
            "{disposition} {directive}: blocked {blocked!r} in {source}:{line} on {page} "
            "sample={sample!r}".format(**violation)
        )

    def _console(self, message) -> None:
        if message.type in ("error", "warning") and POLICY_CONSOLE.search(message.text):
            self.violations.append(f"console {message.type}: {message.text}")


class WatchedBrowser:
    """The session's Chromium, handing out contexts and pages that report policy violations
    to the current test."""

    def __init__(self, chromium, watch: PolicyWatch) -> None:
        self._chromium = chromium
        self._watch = watch

    def new_context(self, **kwargs):
        return self._watch.attach(self._chromium.new_context(**kwargs))

    def new_page(self, **kwargs):
        # Browser.new_page makes a context of its own, closed with the page; watch it before
        # the page navigates anywhere.
        page = self._chromium.new_page(**kwargs)
        self._watch.attach(page.context)
        return page

    def __getattr__(self, name):
        return getattr(self._chromium, name)


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run; never downloads a browser."""
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        manager.stop()
        raise
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture
def policy_watch() -> PolicyWatch:
    return PolicyWatch()


@pytest.fixture(autouse=True)
def no_policy_violations(policy_watch):
    """Every browser test fails when any page it visited violated the Content-Security-Policy
    (or the browser complained about the Permissions-Policy)."""
    yield
    assert policy_watch.violations == [], "\n".join(policy_watch.violations)


@pytest.fixture
def browser(chromium, policy_watch):
    return WatchedBrowser(chromium, policy_watch)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def js_errors() -> list[str]:
    """Uncaught script errors on the page; the tests assert it stays empty."""
    return []


@pytest.fixture
def page(context, js_errors):
    page = context.new_page()
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    return page


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(settings.BASE_DIR) / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def site(transactional_db):
    """The real channels, a rich article and enough neighbours to fill the hot list, related
    list, author card (往期回顾) and channel boxes."""
    from openhao.articles.tests.factories import ArticleFactory, ReferenceFactory, TopicFactory
    from openhao.creators.tests.factories import BadgeFactory, CreatorFactory
    from openhao.demo.structure import ensure_channels
    from openhao.search.backends import get_backend

    # The flush between transactional tests empties the model tables only; the search engine's
    # own table would keep earlier tests' entries (and inflate the results count).
    get_backend().clear()
    channels = ensure_channels()
    creator = CreatorFactory(
        display_name="山海旅行家", motto="走过的路都算数", article_count=2447, follower_count=16418
    )
    creator.badges.add(BadgeFactory(name="春季激励达人", symbol="✿"))
    paragraph = "天刚亮，选手们已经聚在广场，呼出的白气在晨光里慢慢散开。" * 3
    article = ArticleFactory(
        creator=creator,
        channel=channels["sports"],
        title=RICH_TITLE,
        summary="从起跑线到终点，记录一座城市的马拉松故事。",
        body_html=(
            f"<h2>清晨的起跑线</h2><p>{paragraph}</p><p>{paragraph}</p>"
            '<figure><img src="/media/demo/start.png" alt="起跑线上的人群" width="640" '
            'height="360"><figcaption>起跑前五分钟</figcaption></figure>'
            f"<h2>补给站</h2><p>志愿者递来温水和切好的橙子。{paragraph}</p>"
            '<figure><img src="/media/demo/water.png" alt="补给站的志愿者" width="640" '
            'height="360"><figcaption>补给站的志愿者</figcaption></figure>'
            f"<h2>终点</h2><p>冲线的一刻，所有的疲惫都有了意义。</p><p>{paragraph}</p>"
        ),
        published_at=datetime(2025, 5, 22, 8, 13, 50, tzinfo=dt_timezone.utc),
        comment_count=37,
        view_count=500,
        topics=[TopicFactory(name="春季图文激励计划")],
    )
    ReferenceFactory(article=article, title="城市马拉松年度报告", source="体育研究出版社")
    ReferenceFactory(article=article, title="长跑训练手册", source="健康出版社")

    now = timezone.now()
    past = [
        ArticleFactory(creator=creator, channel=channels["travel"], title=title)
        for title in ("古镇里的慢时光", "雨后的山路")
    ]
    neighbours = [
        ArticleFactory(channel=channels["sports"], title="同频道的另一篇文章", view_count=900),
        ArticleFactory(channel=channels["sports"], title="全城热议的一场球赛", view_count=9999),
        ArticleFactory(channel=channels["tech"], title="手机拍月亮的小技巧", view_count=3000),
        ArticleFactory(channel=channels["money"], title="菜市场里的物价账本", view_count=1200),
        ArticleFactory(channel=channels["home"], title="阳台上的一小片菜园", view_count=800),
        ArticleFactory(
            channel=channels["travel"],
            title="沿着运河走一天",
            published_at=now - timedelta(minutes=3),
        ),
    ]
    return {"article": article, "creator": creator, "past": past, "neighbours": neighbours}
