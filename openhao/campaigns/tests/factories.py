from datetime import timedelta

import factory
from django.utils import timezone

from openhao.articles.tests.factories import TopicFactory
from openhao.campaigns.models import Campaign, RewardTier


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"spring-{n}")
    name = factory.Sequence(lambda n: f"春季图文激励计划{n}")
    topic = factory.SubFactory(
        TopicFactory, name=factory.Sequence(lambda n: f"春季图文激励计划{n}")
    )
    description_html = "<p>写春天。</p>"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    settles_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=11))
    status = Campaign.Status.PUBLISHED
    max_entries = 3


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardTier

    campaign = factory.SubFactory(CampaignFactory)
    label = "一等奖"
    rank_from = 1
    rank_to = 1
    currency = "fen"
    amount = 100_000
