from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.campaigns import services
from openhao.campaigns.creator_index import components, creator_index_refresh, level_for
from openhao.campaigns.models import Campaign, CreatorIndex
from openhao.campaigns.scoring import scores_apply
from openhao.creators.models import Badge, Creator
from openhao.creators.tests.factories import BadgeFactory, CreatorFactory
from openhao.engagement.hooks import Event

from .conftest import publish
from .factories import CampaignFactory, TierFactory

pytestmark = pytest.mark.django_db

FACTS = {
    "credit": 90,
    "violations": 1,
    "articles": 10,
    "original_passing": 6,
    "days": 30,
    "reads": 1000,
    "likes": 20,
    "comments": 5,
    "shares": 2,
    "main_channel_articles": 8,
}


def test_components_on_fixed_data():
    c = components(FACTS)
    # health 2*90-40; originality 200*6/10; activity 200*30/60; engagement: (20+10+6)/1000
    # = 0.036 of 0.05; expertise 200*8/10
    assert c == {
        "health": 140,
        "originality": 120,
        "activity": 100,
        "engagement": 144,
        "expertise": 160,
        "score": 664,
    }


def test_levels_with_promotion_and_hysteresis(settings):
    settings.OPENHAO_CREATOR_LEVEL_THRESHOLDS = [300, 500, 700, 850]
    settings.OPENHAO_CREATOR_LEVEL_HYSTERESIS = 30
    assert [level_for(s) for s in (0, 299, 300, 500, 699, 700, 850, 1000)] == [
        1,
        1,
        2,
        3,
        3,
        4,
        5,
        5,
    ]
    assert level_for(700, previous=3) == 4  # promotion at once
    assert level_for(680, previous=4) == 4  # inside the band: kept
    assert level_for(669, previous=4) == 3  # below 700-30: demoted
    assert level_for(100, previous=5) == 1  # a fall goes all the way down


def test_nightly_run_stores_index_and_computed_badges():
    channel = ChannelFactory()
    creator = CreatorFactory(main_channel=channel)
    for i in range(3):
        ArticleFactory(
            creator=creator,
            channel=channel,
            is_original=True,
            published_at=timezone.now() - timedelta(days=i),
            view_count=100,
            like_count=5,
        )
    hand = BadgeFactory(name="编辑推荐")
    creator.badges.add(hand)
    assert creator_index_refresh() >= 1
    index = CreatorIndex.objects.get(creator=creator)
    assert index.originality == 200 and index.expertise == 200 and index.health == 200
    slugs = set(creator.badges.values_list("slug", flat=True))
    assert {"auto-original", "auto-new", hand.slug} <= slugs
    # 新锐 goes after 30 days; the hand-set badge stays.
    Creator.objects.filter(pk=creator.pk).update(created_at=timezone.now() - timedelta(days=40))
    creator_index_refresh()
    slugs = set(creator.badges.values_list("slug", flat=True))
    assert "auto-new" not in slugs and hand.slug in slugs


def test_badges_show_on_the_article_pages_author_card(client):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator)
    creator_index_refresh()
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "新锐" in html and "入驻未满 30 天的新作者" in html  # the tooltip
    assert "新锐" in client.get(f"/creator/{creator.pk}/").content.decode()


def test_campaign_winners_get_a_badge():
    campaign = CampaignFactory(name="春季图文激励计划")
    TierFactory(campaign=campaign)
    a, b = publish(campaign), publish(campaign)
    scores_apply([Event(a.pk, None, "share", 3)])
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now())
    services.campaign_settle(campaign=campaign)
    badge = Badge.objects.get(slug=f"campaign-{campaign.pk}-winner")
    assert list(badge.creators.all()) == [a.creator]
    assert b.creator not in badge.creators.all()


def test_studio_index_page(client):
    creator = CreatorFactory()
    ArticleFactory(creator=creator)
    creator_index_refresh()
    client.force_login(creator.user)
    html = client.get("/studio/index/").content.decode()
    assert "创作者指数" in html and "如何提升" in html and "原创度" in html
