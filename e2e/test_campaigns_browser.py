"""A campaign end to end in Chromium: an operator creates and publishes #春季图文激励计划#, a
creator publishes an entry with the hashtag from the studio, readers engage, the leaderboard
on the (cached) campaign page moves, the operator settles and the creator sees the reward in
收益. Screenshots of the campaign page and the earnings page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Spring-rain-2026"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


@pytest.fixture
def people(transactional_db):
    from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
    from openhao.campaigns.leaderboard import reset_board
    from openhao.campaigns.permissions import operator_group
    from openhao.creators.tests.factories import CreatorFactory, UserFactory

    reset_board()
    operator = UserFactory(username="yunying")  # is_staff alone would not run campaigns
    operator.set_password(PASSWORD)
    operator.save()
    operator.groups.add(operator_group())
    channel = ChannelFactory(slug="travel", name="旅游")
    creators = []
    for name, username in (("山海旅行家", "shanhai"), ("江南小记", "jiangnan")):
        c = CreatorFactory(display_name=name, user__username=username, approved_article_count=9)
        c.user.set_password(PASSWORD)
        c.user.save()
        creators.append(c)
    body = "<p>" + "春天的江南，细雨落在青石板上。" * 30 + "</p>"
    drafts = [
        ArticleFactory(
            creator=c,
            channel=channel,
            title=title,
            body_html=body,
            status="draft",
            published_at=None,
            is_original=True,
        )
        for c, title in zip(creators, ("春雨里的乌镇一日", "西湖边的三月花事"), strict=True)
    ]
    readers = [UserFactory(username=f"reader{i}") for i in range(5)]
    return {"operator": operator, "creators": creators, "drafts": drafts, "readers": readers}


def test_operator_creator_readers_settlement(browser, live_server, people, screenshot_dir):
    from openhao.articles.services import topics_get_or_create
    from openhao.campaigns.models import Campaign
    from openhao.engagement import services as engagement

    base = live_server.url
    ops = browser.new_context().new_page()
    sign_in(ops, base, "yunying")
    ops.goto(f"{base}/manage/campaigns/new/")
    ops.fill("input[name=name]", "春季图文激励计划")
    ops.fill("input[name=slug]", "spring")
    ops.fill("input[name=hashtag]", "春季图文激励计划")
    # The description in the studio's rich-text editor.
    ops.locator(".ProseMirror[contenteditable=true]").click()
    ops.keyboard.type("用图文记录春天。")
    ops.fill("input[name=starts_at]", "2026-01-01T00:00")
    ops.fill("input[name=ends_at]", "2036-01-01T00:00")
    ops.fill("input[name=settles_at]", "2036-01-02T00:00")
    ops.fill("input[name=min_chars]", "200")
    ops.fill("input[name=tiers-0-label]", "冠军")
    ops.fill("input[name=tiers-0-rank_from]", "1")
    ops.fill("input[name=tiers-0-rank_to]", "1")
    ops.select_option("select[name=tiers-0-currency]", "fen")
    ops.fill("input[name=tiers-0-amount]", "88800")
    ops.locator("form.campaign-form button[type=submit]").click()
    expect(ops.locator("h1")).to_contain_text("春季图文激励计划")
    ops.get_by_role("button", name="发布").click()
    expect(ops.locator("h1")).to_contain_text("进行中")
    campaign = Campaign.objects.get(slug="spring")

    # Both creators add the hashtag and publish from the studio.
    topic = topics_get_or_create(["春季图文激励计划"])[0]
    pages = []
    for creator, draft in zip(people["creators"], people["drafts"], strict=True):
        draft.topics.add(topic)
        page = browser.new_context().new_page()
        sign_in(page, base, creator.user.username)
        page.goto(f"{base}/studio/")
        page.locator("tr", has_text=draft.title).get_by_role("button", name="发布").click()
        page.goto(f"{base}/studio/campaigns/")
        expect(page.locator(".studio-campaign")).to_contain_text(draft.title)
        pages.append(page)

    reader_page = browser.new_context().new_page()
    reader_page.goto(f"{base}{campaign.get_absolute_url()}")
    board = reader_page.locator(".campaign-board tbody tr")
    expect(board).to_have_count(2)
    expect(board.first).to_contain_text("春雨里的乌镇一日")  # tie: the earlier entry first

    # Readers like and share the second entry: it overtakes the first.
    second = people["drafts"][1]
    second.refresh_from_db()
    for reader in people["readers"]:
        engagement.like_set(user=reader, article=second, liked=True)
    engagement.share_record(article=second, channel="weibo")
    reader_page.reload()
    expect(board.first).to_contain_text("西湖边的三月花事")
    expect(board.first).to_contain_text("32 分")
    reader_page.screenshot(path=str(screenshot_dir / "campaign-page.png"), full_page=True)

    # The operator ends the campaign early and settles it.
    ops.goto(f"{base}/manage/campaigns/{campaign.pk}/")
    ops.get_by_role("button", name="提前结束").click()
    # The next page first: under load a click on 运行结算 could land on the page being left.
    expect(ops.locator("#flash, .messages").first).to_contain_text("活动已提前结束")
    ops.get_by_role("button", name="运行结算").click()
    expect(ops.locator("#flash, .messages").first).to_contain_text("结算完成")

    winner = pages[1]
    winner.goto(f"{base}/studio/earnings/")
    expect(winner.locator(".earnings-totals")).to_contain_text("¥888.00")
    expect(winner.locator("table")).to_contain_text("春季图文激励计划")
    winner.screenshot(path=str(screenshot_dir / "campaign-earnings.png"), full_page=True)

    reader_page.reload()
    expect(reader_page.locator(".campaign-description")).to_contain_text("用图文记录春天。")
    expect(reader_page.locator(".campaign-results")).to_contain_text("西湖边的三月花事")
    assert re.search("已结算", reader_page.content())
