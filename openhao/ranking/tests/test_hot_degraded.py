"""热点推荐 when Redis is away: ranked from the indexed score column meanwhile, and the sorted
sets that missed score changes are rebuilt once Redis answers again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.common.tests.redis_server import closed_port_url
from openhao.ranking import redis_store, selectors
from openhao.ranking.services import article_engagement_changed

pytestmark = pytest.mark.django_db


def _two_articles():
    now = timezone.now()
    a = ArticleFactory(title="甲", view_count=100, published_at=now - timedelta(hours=1))
    b = ArticleFactory(title="乙", view_count=1000, published_at=now - timedelta(hours=1))
    return a, b


def _promote(article) -> None:
    Article.objects.filter(pk=article.pk).update(view_count=50_000, share_count=100)
    article_engagement_changed(article_id=article.pk)


def test_hot_list_ranks_from_the_database_while_redis_is_unreachable(use_redis):
    use_redis(closed_port_url())
    a, b = _two_articles()
    assert selectors.hot_ids(limit=10)[:2] == [b.pk, a.pk]
    _promote(a)  # the sorted-set write is lost, the score row is not
    assert selectors.hot_ids(limit=10)[:2] == [a.pk, b.pk]


def test_hot_sets_that_missed_changes_are_rebuilt_when_redis_returns(
    use_redis, durable_redis, settings
):
    settings.REDIS_RETRY_SECONDS = 0
    use_redis(durable_redis.url())
    a, b = _two_articles()
    assert selectors.hot_ids(limit=10)[:2] == [b.pk, a.pk]  # builds the sets
    durable_redis.kill()
    _promote(a)
    durable_redis.start()  # back with the old sets (append-only file)
    raw = redis.Redis.from_url(durable_redis.url())
    assert raw.exists(redis_store.site_key())
    assert selectors.hot_ids(limit=10)[:2] == [a.pk, b.pk]
    assert selectors.hot_ids(limit=10)[:2] == [a.pk, b.pk]
