"""Search finds articles by their channel's and topics' names too (汽车 finds the 汽车 channel's
articles), ranks them below articles that say the words in their title, and follows renames.
Run on whichever database the suite uses, like test_search.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.models import Topic
from openhao.articles.services import article_update
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.search.selectors import search

pytestmark = pytest.mark.django_db


def titles(q, **kw):
    found = search(q=q, **kw)
    return [a.title for a in found.page.object_list] if found.page else []


@pytest.fixture
def cars():
    return ChannelFactory(slug="auto", name="汽车")


@pytest.fixture
def others():
    """Unrelated articles, so that every term is rare enough for a positive BM25 IDF."""
    other = ChannelFactory(slug="food", name="美食")
    for title in ("秋天的第一场雨", "城市夜跑指南", "手机摄影技巧", "老街的早餐店", "红烧肉做法"):
        ArticleFactory(
            title=title, summary="", body_html="<p>与主题无关的一段正文。</p>", channel=other
        )


def test_the_channel_name_finds_its_articles(cars, others):
    ArticleFactory(
        title="新款电动车续航实测", summary="", body_html="<p>冬天开了三百公里。</p>", channel=cars
    )
    ArticleFactory(title="城市限行新规解读", summary="", body_html="<p>单双号。</p>", channel=cars)
    assert sorted(titles("汽车")) == ["城市限行新规解读", "新款电动车续航实测"]


def test_a_topic_name_finds_its_articles(others):
    running = TopicFactory(name="春季图文激励计划")
    ArticleFactory(
        title="江边晨跑的一天", summary="", body_html="<p>天刚亮。</p>", topics=[running]
    )
    assert titles("春季图文激励计划") == ["江边晨跑的一天"]
    assert titles("激励计划") == ["江边晨跑的一天"]


def test_the_words_in_the_title_rank_above_the_channel(cars, others):
    now = timezone.now()
    ArticleFactory(
        title="高速服务区见闻",
        summary="",
        body_html="<p>排队充电。</p>",
        channel=cars,
        published_at=now - timedelta(minutes=1),
    )
    ArticleFactory(
        title="汽车保养的五个误区",
        summary="",
        body_html="<p>机油不必常换。</p>",
        channel=ChannelFactory(slug="life", name="生活"),
        published_at=now - timedelta(days=3),
    )
    assert titles("汽车") == ["汽车保养的五个误区", "高速服务区见闻"]


def test_the_channel_filter_and_the_name_together(cars, others):
    ArticleFactory(title="试驾一款小型SUV", summary="", channel=cars)
    assert titles("汽车", channel_slug="auto") == ["试驾一款小型SUV"]


def test_moving_an_article_to_another_channel_reindexes_it(cars, others):
    article = ArticleFactory(
        title="一次长途自驾",
        summary="",
        body_html="<p>一路向西。</p>",
        channel=cars,
        creator=CreatorFactory(approved_article_count=99),  # past 先审后发: edits go out now
    )
    travel = ChannelFactory(slug="travel", name="旅游")
    article_update(
        article=article, channel=travel, title=article.title, body_html=article.body_html
    )
    assert titles("汽车") == []
    assert titles("旅游") == ["一次长途自驾"]


def test_renaming_a_channel_or_topic_reindexes_its_articles(
    cars, others, django_capture_on_commit_callbacks
):
    topic = TopicFactory(name="新车上市")
    ArticleFactory(title="本周值得关注的三款车", summary="", channel=cars, topics=[topic])
    with django_capture_on_commit_callbacks(execute=True):
        cars.name = "汽车出行"
        cars.save()
        topic.name = "新车速递"
        topic.save()
    assert titles("出行") == ["本周值得关注的三款车"]
    assert titles("速递") == ["本周值得关注的三款车"]
    assert titles("上市") == []


def test_deleting_a_topic_reindexes_its_articles(others, django_capture_on_commit_callbacks):
    topic = TopicFactory(name="城市骑行")
    ArticleFactory(title="周末的一条路线", summary="", topics=[topic])
    assert titles("骑行") == ["周末的一条路线"]
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.filter(pk=topic.pk).delete()
    assert titles("骑行") == []
