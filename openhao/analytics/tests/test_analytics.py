"""数据中心: daily rows, zero-filled series, totals equal to the public counters, CSV."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from openhao.analytics.models import ArticleDailyStats
from openhao.analytics.selectors import article_series, creator_series
from openhao.analytics.services import stats_record, stats_record_follow
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 20, 4, 0, tzinfo=timezone.get_fixed_timezone(0))  # 12:00 Beijing


@pytest.fixture
def creator():
    return CreatorFactory(display_name="数据作者", follower_count=120, article_count=2)


def test_stats_record_keeps_one_row_per_article_per_day(creator):
    article = ArticleFactory(creator=creator)
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            stats_record(article=article, metric="reads")
        stats_record(article=article, metric="likes", amount=2)
        stats_record(article=article, metric="reads", day=date(2026, 5, 19))
    rows = ArticleDailyStats.objects.filter(article=article).order_by("day")
    assert [(r.day, r.reads, r.likes) for r in rows] == [
        (date(2026, 5, 19), 1, 0),
        (date(2026, 5, 20), 3, 2),
    ]
    with pytest.raises(ValueError):
        stats_record(article=article, metric="bogus")


def test_series_are_zero_filled_and_sum_per_creator(creator):
    a = ArticleFactory(creator=creator)
    b = ArticleFactory(creator=creator)
    with time_machine.travel(NOON, tick=False):
        stats_record(article=a, metric="reads", amount=5)
        stats_record(article=b, metric="reads", amount=7)
        stats_record(article=b, metric="shares", day=date(2026, 5, 1))
        stats_record(article=b, metric="shares", day=date(2026, 1, 1))  # outside 90 days
        stats_record_follow(creator=creator, amount=4)
        series = creator_series(creator, 30)
        assert len(series.days) == 30
        assert series.days[-1] == date(2026, 5, 20)
        assert series.values["reads"][-1] == 12
        assert series.values["new_followers"][-1] == 4
        assert sum(series.values["shares"]) == 1
        assert sum(creator_series(creator, 90).values["shares"]) == 1
        assert article_series(a, 30).values["reads"][-1] == 5


def test_dashboard_totals_match_public_counters(client, creator, django_assert_max_num_queries):
    a = ArticleFactory(
        creator=creator, view_count=1500, like_count=30, comment_count=37, share_count=4
    )
    ArticleFactory(creator=creator, view_count=500, like_count=5, comment_count=3, share_count=1)
    ArticleFactory(creator=creator, view_count=999, status=Article.Status.DRAFT)  # not public
    client.force_login(creator.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("studio:analytics"))
    html = response.content.decode()
    assert '<strong class="total-reads">2000</strong>' in html
    assert '<strong class="total-likes">35</strong>' in html
    assert '<strong class="total-comments">40</strong>' in html
    assert '<strong class="total-shares">5</strong>' in html
    assert '<strong class="total-followers">120</strong>' in html
    assert "vendor/chart-4.6.1.umd.min.js" in html
    assert 'id="stats-data"' in html
    # The public article page shows the same comment counter.
    client.logout()
    public = client.get(a.get_absolute_url()).content.decode()
    assert 'class="comment-count">37<' in public


def test_csv_download(client, creator):
    article = ArticleFactory(creator=creator)
    with time_machine.travel(NOON, tick=False):
        stats_record(article=article, metric="reads", amount=9)
        stats_record(article=article, metric="comments", amount=2)
        stats_record_follow(creator=creator)
        client.force_login(creator.user)
        response = client.get(reverse("studio:analytics") + "?days=90&format=csv")
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["日期", "阅读", "点赞", "评论", "分享", "新增关注"]
        assert len(rows) == 91
        assert rows[-1] == ["2026-05-20", "9", "0", "2", "0", "1"]
        assert rows[-2][1:] == ["0"] * 5
        per_article = client.get(
            reverse("studio:analytics_article", args=[article.pk]) + "?format=csv"
        )
        rows = list(csv.reader(io.StringIO(per_article.content.decode("utf-8-sig"))))
        assert len(rows) == 31 and rows[-1][1] == "9"


def test_analytics_is_for_creators_only(client):
    client.force_login(UserFactory(username="just-a-reader"))
    assert client.get(reverse("studio:analytics"))["Location"] == reverse("creators:apply")


def test_period_falls_back_to_30(client, creator):
    client.force_login(creator.user)
    html = client.get(reverse("studio:analytics") + "?days=7").content.decode()
    assert "近 30 天每日数据" in html
