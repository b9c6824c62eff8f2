from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.test import override_settings
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.services import article_remove
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.common.cache import LISTS_TAG, bump_tags
from openhao.creators.tests.factories import CreatorFactory
from openhao.ranking import selectors
from openhao.ranking.hot import DECAY_SECONDS, SIGNALS, hot_score
from openhao.ranking.models import ArticleScore
from openhao.ranking.services import article_engagement_changed, scores_rebuild

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=dt_timezone.utc)
ZERO = dict.fromkeys(SIGNALS, 0)


def counts(**kw):
    return {**ZERO, **kw}


def test_newer_beats_older_at_equal_engagement():
    c = counts(view_count=500, like_count=20, comment_count=5, share_count=2)
    assert hot_score(published_at=T0 + timedelta(minutes=1), counts=c) > hot_score(
        published_at=T0, counts=c
    )


def test_more_engagement_beats_less_at_equal_age():
    for name in SIGNALS:
        assert hot_score(published_at=T0, counts=counts(**{name: 11})) > hot_score(
            published_at=T0, counts=counts(**{name: 10})
        )


def test_tenfold_engagement_is_worth_one_decay_period():
    older = hot_score(published_at=T0, counts=counts(view_count=9999))
    newer = hot_score(published_at=T0 + timedelta(seconds=DECAY_SECONDS), counts=counts())
    # log10(1 + 9999) == 4 against log10(1) == 0, minus one decay period of age.
    assert older - newer == pytest.approx(4 - 1, abs=1e-9)


@pytest.mark.parametrize("name", list(SIGNALS))
def test_no_single_engagement_type_can_be_gamed_past_its_cap(name):
    signal = SIGNALS[name]
    at_cap = int(signal.cap / signal.weight) + 1
    flooded = hot_score(published_at=T0, counts=counts(**{name: 10**9}))
    assert flooded == hot_score(published_at=T0, counts=counts(**{name: at_cap}))
    # A modest, balanced article of the same age beats one flooded in a single counter.
    balanced = counts(view_count=60_000, like_count=5_000, comment_count=3_000, share_count=2_000)
    assert hot_score(published_at=T0, counts=balanced) > flooded


def test_negative_or_missing_counts_do_not_raise_the_score():
    base = hot_score(published_at=T0, counts=ZERO)
    assert hot_score(published_at=T0, counts={"view_count": -5}) == base


# --- lists, on Redis when REDIS_URL is set and on the indexed column always ---------------


@pytest.fixture(params=["configured", "database"])
def backend(request, settings):
    if request.param == "database":
        settings.REDIS_URL = ""
    return request.param


def hot_titles(**kw):
    return [a.title for a in selectors.hot_articles(**kw)]


@pytest.mark.django_db
def test_hot_list_orders_by_score_and_follows_engagement_changes(backend):
    now = timezone.now()
    a = ArticleFactory(title="甲", view_count=100, published_at=now - timedelta(hours=1))
    b = ArticleFactory(title="乙", view_count=1000, published_at=now - timedelta(hours=1))
    assert hot_titles()[:2] == ["乙", "甲"]
    Article.objects.filter(pk=a.pk).update(view_count=50_000, share_count=100)
    article_engagement_changed(article_id=a.pk)
    bump_tags(LISTS_TAG)  # the list is a cached fragment; writes that change it bump the tag
    assert hot_titles()[:2] == ["甲", "乙"]
    assert hot_titles(exclude_id=a.pk)[0] == "乙"
    assert b.pk in {x.pk for x in selectors.hot_articles()}


@pytest.mark.django_db
def test_hot_list_is_a_rolling_window(backend, settings):
    settings.OPENHAO_HOT_WINDOW_HOURS = 72
    now = timezone.now()
    ArticleFactory(title="旧闻", view_count=10**6, published_at=now - timedelta(hours=73))
    ArticleFactory(title="新闻", view_count=1, published_at=now - timedelta(hours=71))
    assert hot_titles() == ["新闻"]


@pytest.mark.django_db
def test_hot_list_has_at_most_two_items_per_creator(backend):
    prolific = CreatorFactory()
    now = timezone.now()
    for i in range(6):
        ArticleFactory(creator=prolific, view_count=10_000 + i, published_at=now)
    others = [ArticleFactory(view_count=10, published_at=now) for _ in range(5)]
    items = selectors.hot_articles(limit=10)
    assert sum(1 for a in items if a.creator_id == prolific.pk) == 2
    assert {a.pk for a in others} <= {a.pk for a in items}
    assert len(items) == 7


@pytest.mark.django_db
def test_removed_and_unpublished_articles_leave_the_hot_list(backend):
    gone = ArticleFactory(title="下架", view_count=9999)
    ArticleFactory(title="草稿", status=Article.Status.DRAFT, published_at=None, view_count=9999)
    ArticleFactory(title="留下", view_count=1)
    article_remove(article=gone)
    assert hot_titles() == ["留下"]
    assert not ArticleScore.objects.filter(article=gone).exists()


@pytest.mark.django_db
def test_top_stories_pinned_first_then_hot_score_per_channel(backend):
    news = ChannelFactory(slug="news-ch")
    now = timezone.now()
    pinned = ArticleFactory(channel=news, title="置顶", is_pinned=True, view_count=0)
    ArticleFactory(channel=news, title="冷门", view_count=1, published_at=now)
    ArticleFactory(channel=news, title="热门", view_count=50_000, published_at=now)
    ArticleFactory(title="别的频道", view_count=10**6, published_at=now)
    titles = [a.title for a in selectors.top_stories(channel=news, limit=3)]
    assert titles == ["置顶", "热门", "冷门"]
    assert pinned.pk == selectors.top_stories(limit=5)[0].pk


@pytest.mark.django_db
def test_rebuild_recreates_scores_after_bulk_loads(backend):
    article = ArticleFactory(view_count=10)
    ArticleScore.objects.all().delete()
    assert scores_rebuild() == 1
    assert ArticleScore.objects.get(article=article).hot == pytest.approx(
        hot_score(published_at=article.published_at, counts=counts(view_count=10))
    )


@override_settings(OPENHAO_HOT_WINDOW_HOURS=72)
@pytest.mark.django_db
def test_hot_list_read_is_one_redis_call_and_one_query(backend, django_assert_max_num_queries):
    for _ in range(30):
        ArticleFactory()
    selectors.hot_ids(limit=10)  # builds the sets once when missing
    from django.conf import settings

    # With Redis the ranked ids come from the sorted set: only the rows shown are queried.
    with django_assert_max_num_queries(1 if settings.REDIS_URL else 2):
        assert len(selectors._hot(10)) == 10
