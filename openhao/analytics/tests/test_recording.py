"""The engagement features feed 数据中心: each new follow, like, comment, share and flushed read
lands in the day's statistics rows."""

import pytest
from django.utils import timezone

from openhao.analytics.models import ArticleDailyStats, CreatorDailyStats
from openhao.analytics.services import stats_record_reads
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import UserFactory
from openhao.engagement import counters, services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_read_buffer")]


def today_row(article):
    return ArticleDailyStats.objects.get(article=article, day=timezone.localdate())


def test_engagement_events_are_recorded_per_day():
    article = ArticleFactory()
    reader, other = UserFactory(), UserFactory()

    services.follow_create(user=reader, creator=article.creator)
    services.follow_create(user=reader, creator=article.creator)  # repeat: not a new follower
    services.like_set(user=reader, article=article, liked=True)
    services.like_set(user=other, article=article, liked=True)
    services.like_set(user=other, article=article, liked=False)  # new likes are counted, not net
    services.comment_create(user=reader, article=article, body="写得真好")
    services.share_record(article=article, channel="weibo")
    for visitor in ("v1", "v2", "v3"):
        counters.read_record(article_id=article.pk, visitor=visitor)
    counters.flush_reads()

    row = today_row(article)
    assert (row.reads, row.likes, row.comments, row.shares) == (3, 2, 1, 1)
    assert row.creator_id == article.creator_id
    follows = CreatorDailyStats.objects.get(creator=article.creator, day=timezone.localdate())
    assert follows.new_followers == 1


def test_read_flushes_add_up_whether_or_not_the_row_exists():
    with_row, without_row = ArticleFactory(), ArticleFactory()
    services.like_set(user=UserFactory(), article=with_row, liked=True)  # creates today's row
    stats_record_reads({with_row.pk: 5, without_row.pk: 7})
    stats_record_reads({with_row.pk: 1, without_row.pk: 1})
    assert today_row(with_row).reads == 6 and today_row(with_row).likes == 1
    assert today_row(without_row).reads == 8
