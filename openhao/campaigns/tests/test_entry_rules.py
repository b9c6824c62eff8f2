from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.tests.factories import ChannelFactory, TopicFactory
from openhao.campaigns.models import Entry, Rejection
from openhao.campaigns.rules import message
from openhao.common import hooks
from openhao.creators.tests.factories import CreatorFactory

from .conftest import publish
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db

LONG = "<p>" + "春" * 300 + "</p>"


def failed_codes(campaign, article):
    r = Rejection.objects.get(campaign=campaign, article=article)
    return [f["code"] for f in r.failed], [message(f) for f in r.failed]


def test_an_article_with_the_hashtag_is_entered():
    campaign = CampaignFactory()
    article = publish(campaign)
    entry = Entry.objects.get(campaign=campaign, article=article)
    assert entry.creator_id == article.creator_id
    assert entry.entered_at == article.published_at


def test_an_article_without_the_hashtag_is_not_considered():
    campaign = CampaignFactory()
    article = publish(campaign, topics=[TopicFactory(name="别的话题")])
    assert not Entry.objects.filter(article=article).exists()
    assert not Rejection.objects.filter(article=article).exists()


def test_draft_campaigns_take_no_entries():
    campaign = CampaignFactory(status="draft")
    publish(campaign)
    assert not Entry.objects.exists() and not Rejection.objects.exists()


@pytest.mark.parametrize(
    ("campaign_kwargs", "article_kwargs", "code", "words"),
    [
        ({"min_chars": 200}, {}, "min_chars", "正文至少 200 字"),
        ({"original_only": True}, {"is_original": False}, "original", "仅限原创"),
        ({"min_images": 2}, {"body_html": LONG}, "min_images", "至少需要 2 张图片"),
    ],
)
def test_each_rule_names_itself(campaign_kwargs, article_kwargs, code, words):
    campaign = CampaignFactory(**campaign_kwargs)
    article = publish(campaign, **article_kwargs)
    codes, texts = failed_codes(campaign, article)
    assert codes == [code]
    assert words in texts[0]
    assert not Entry.objects.filter(article=article).exists()


def test_period_rule():
    campaign = CampaignFactory(
        starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=3)
    )
    article = publish(campaign)
    codes, texts = failed_codes(campaign, article)
    assert codes == ["period"] and "活动期" in texts[0]


def test_channel_rule():
    campaign = CampaignFactory()
    campaign.channels.set([ChannelFactory(slug="travel", name="旅游")])
    article = publish(campaign)
    codes, texts = failed_codes(campaign, article)
    assert codes == ["channel"] and "参与频道" in texts[0]


def test_all_failed_rules_are_listed_at_once():
    campaign = CampaignFactory(min_chars=500, min_images=1, original_only=True)
    article = publish(campaign)
    codes, _ = failed_codes(campaign, article)
    assert codes == ["min_chars", "original", "min_images"]


def test_max_entries_per_creator():
    campaign = CampaignFactory(max_entries=1)
    creator = CreatorFactory()
    publish(campaign, creator=creator)
    second = publish(campaign, creator=creator)
    codes, texts = failed_codes(campaign, second)
    assert codes == ["max_entries"] and "最多参赛 1 篇" in texts[0]


def test_min_credit_goes_through_the_moderation_hook():
    campaign = CampaignFactory(min_credit=80)
    assert Entry.objects.filter(article=publish(campaign)).exists()  # neutral: 100

    def low(*, user_ids):
        return dict.fromkeys(user_ids, 60)

    hooks.user_credit.connect(low)
    try:
        article = publish(campaign)
    finally:
        hooks.user_credit._listeners.remove(low)
    codes, texts = failed_codes(campaign, article)
    assert codes == ["min_credit"] and "信用分需不低于 80，当前 60" in texts[0]


def test_originality_check_goes_through_the_moderation_hook():
    campaign = CampaignFactory(original_only=True)
    assert Entry.objects.filter(article=publish(campaign, is_original=True)).exists()

    def fails(*, article_ids):
        return set(article_ids)

    hooks.originality_failed.connect(fails)
    try:
        article = publish(campaign, is_original=True)
    finally:
        hooks.originality_failed._listeners.remove(fails)
    assert failed_codes(campaign, article)[0] == ["originality_check"]


def test_a_qualifying_article_passes_every_rule():
    campaign = CampaignFactory(min_chars=100, min_images=1, original_only=True, min_credit=60)
    body = LONG + '<p><img src="/media/a.jpg" alt="图"></p>'
    article = publish(campaign, body_html=body, is_original=True)
    assert Entry.objects.filter(article=article).exists()
