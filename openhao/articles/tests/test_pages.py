"""Home, channel, topic, platform and creator pages through HTTP."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.demo.structure import ensure_channels

pytestmark = pytest.mark.django_db


def test_home_has_top_stories_hot_list_and_every_channel_box(client):
    channels = ensure_channels()
    for channel in channels.values():
        ArticleFactory(channel=channel, title=f"{channel.name}频道的最新报道")
    pinned = ArticleFactory(
        channel=channels["toutiao"],
        title="编辑置顶的头条",
        is_pinned=True,
        published_at=timezone.now() - timedelta(days=3),
    )
    hot = ArticleFactory(channel=channels["tech"], title="阅读最多的科技新闻", view_count=50000)

    html = client.get("/").content.decode()

    top = html[html.find('id="top-heading"') : html.find("热点推荐")]
    # Pinned first (although three days old), then the newest.
    first_item = top.find('class="item-title"')
    assert top.find(pinned.title, first_item) < top.find('class="item-title"', first_item + 1)
    assert top.count('class="item-title"') == 10
    hot_block = html[html.find("热点推荐") : html.find('class="channel-boxes"')]
    assert hot.title in hot_block
    for box_title in ["头条要闻", "体育要闻", "娱乐要闻", "财经要闻", "科技要闻", "汽车要闻"]:
        assert box_title in html, box_title
    original = html[html.find("态度原创") :]
    for name in ["家居", "旅游", "本地", "公开课", "军事航空"]:
        assert f"{name}频道的最新报道" in original, name


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    channels = ensure_channels()
    for channel in channels.values():
        ArticleFactory.create_batch(8, channel=channel)
    # Ranked lists read ids in score order, then load the rows shown: hot list 2 queries,
    # top stories 3 (pinned, ranked, load), feed 2; lists are cached fragments after the first
    # page.
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


@override_settings(OPENHAO_PAGE_SIZE=5)
def test_channel_page_is_paginated_newest_first(client):
    channel = ChannelFactory(slug="sports", name="体育")
    now = timezone.now()
    articles = [
        ArticleFactory(
            channel=channel, title=f"体育新闻第{i:02d}篇", published_at=now - timedelta(hours=i)
        )
        for i in range(12)
    ]
    ArticleFactory(channel=channel, title="体育草稿不显示", status=Article.Status.DRAFT)
    ArticleFactory(title="别的频道的文章")

    first = client.get("/channel/sports/").content.decode()
    listing = first[first.find("最新文章") : first.find('class="sidebar"')]
    positions = [listing.find(a.title) for a in articles[:5]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert articles[5].title not in listing
    assert "第 1 / 3 页" in first and 'href="?page=2"' in first
    assert "体育草稿不显示" not in first and "别的频道的文章" not in listing

    third = client.get("/channel/sports/?page=3").content.decode()
    assert articles[10].title in third and articles[11].title in third
    assert 'href="?page=2"' in third and "第 3 / 3 页" in third
    # Out-of-range and junk page numbers fall back to a real page instead of failing.
    assert client.get("/channel/sports/?page=99").status_code == 200
    assert client.get("/channel/sports/?page=abc").status_code == 200


def test_unknown_channel_is_404(client):
    assert client.get("/channel/nope/").status_code == 404


def test_channel_page_query_count(client, django_assert_max_num_queries):
    channel = ChannelFactory(slug="sports")
    ArticleFactory.create_batch(40, channel=channel)
    with django_assert_max_num_queries(10):
        client.get("/channel/sports/?page=2")


@override_settings(OPENHAO_PAGE_SIZE=3)
def test_creator_page_lists_all_their_published_articles(client):
    creator = CreatorFactory(display_name="城市观察者", motto="看见城市的细节", article_count=4)
    mine = [ArticleFactory(creator=creator, title=f"城市观察第{i}篇") for i in range(4)]
    ArticleFactory(creator=creator, title="未发布的草稿", status=Article.Status.DRAFT)
    ArticleFactory(title="别人的文章")

    html = client.get(f"/creator/{creator.pk}/").content.decode()
    assert "城市观察者" in html and "看见城市的细节" in html
    assert all(a.title in html for a in mine[:3]) and mine[3].title not in html
    assert "未发布的草稿" not in html and "别人的文章" not in html
    page2 = client.get(f"/creator/{creator.pk}/?page=2").content.decode()
    assert mine[3].title in page2
    assert client.get("/creator/987654/").status_code == 404


def test_topic_page_lists_its_articles(client):
    topic = TopicFactory(name="春季图文激励计划")
    tagged = ArticleFactory(title="参加春季激励的游记", topics=[topic])
    ArticleFactory(title="没有话题的文章")
    response = client.get("/topic/春季图文激励计划/")
    html = response.content.decode()
    assert "#春季图文激励计划#" in html
    listing = html[: html.find('class="sidebar"')]
    assert tagged.title in listing and "没有话题的文章" not in listing
    assert "共 1 篇文章" in html
    assert client.get("/topic/不存在的话题/").status_code == 404


def test_platform_page_lists_newest_and_explains_joining(client):
    article = ArticleFactory(title="平台上最新的一篇")
    html = client.get("/hao/").content.decode()
    assert article.title in html and 'id="join"' in html and "申请入驻" in html


def test_accessibility_page(client):
    html = client.get("/accessibility/").content.decode()
    assert "无障碍浏览" in html and "关怀版" in html and "60×60" in html


def test_unknown_url_gets_the_site_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"
