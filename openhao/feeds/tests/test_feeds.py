"""RSS and Atom feeds: valid for a feed parser, only public articles, cached like the pages
and emptied when an article changes."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from openhao.articles import services as article_services
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

BASE = "https://hao.example.com"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.OPENHAO_BASE_URL = BASE


def parse(response):
    assert response.status_code == 200, response.content[:300]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.fixture
def article():
    a = ArticleFactory(
        title="江南的春雨",
        summary="春雨落在小城。",
        body_html='<p>正文第一段。</p><p><img src="/media/images/a.jpg" alt="雨"></p>',
        topics=[TopicFactory(name="春天")],
    )
    a.cover.save("cover.png", ContentFile(b"\x89PNG fake"), save=True)
    return a


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_site_feed_parses_back_with_everything_an_item_needs(client, article, kind):
    feed = parse(client.get(f"/feeds/{kind}.xml"))
    assert feed.version == ("rss20" if kind == "rss" else "atom10")
    assert "开放号" in feed.feed.title
    assert feed.feed.link == f"{BASE}/"
    (entry,) = feed.entries
    assert entry.title == "江南的春雨"
    assert entry.link == f"{BASE}/article/{article.pk}/"
    assert entry.author == article.creator.display_name
    assert entry.summary == "春雨落在小城。"
    # Full text (the default), with its images made absolute.
    (content,) = entry.content
    assert "正文第一段" in content.value and f'src="{BASE}/media/images/a.jpg"' in content.value
    (enclosure,) = entry.enclosures
    assert enclosure.href.startswith(f"{BASE}/media/covers/") and enclosure.type == "image/png"
    assert {t.term for t in entry.tags} == {article.channel.name, "春天"}
    assert entry.published_parsed is not None


def test_summary_only_when_the_setting_says_so(client, article, settings):
    settings.OPENHAO_FEED_FULL_TEXT = False
    for kind in ("rss", "atom"):
        (entry,) = parse(client.get(f"/feeds/{kind}.xml")).entries
        assert entry.summary == "春雨落在小城。"
        assert "content" not in entry


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.PENDING},
        {"status": Article.Status.SCHEDULED},
        {"status": Article.Status.REMOVED},
        {"deleted_at": timezone.now() - timedelta(hours=1)},
    ],
    ids=["draft", "pending", "scheduled", "removed", "deleted"],
)
def test_articles_that_are_not_public_never_appear(client, state):
    channel, creator, topic = ChannelFactory(), CreatorFactory(), TopicFactory(name="隐藏")
    ArticleFactory(title="看得见", channel=channel, creator=creator, topics=[topic])
    ArticleFactory(title="看不见", channel=channel, creator=creator, topics=[topic], **state)
    for url in (
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        f"/feeds/channel/{channel.slug}/rss.xml",
        f"/feeds/creator/{creator.pk}/atom.xml",
        "/feeds/topic/隐藏/rss.xml",
    ):
        assert [e.title for e in parse(client.get(url)).entries] == ["看得见"], url


def test_channel_creator_and_topic_feeds_hold_only_their_articles(client):
    mine = ArticleFactory(title="本频道", topics=[TopicFactory(name="春天/旅行")])
    ArticleFactory(title="别的")
    channel_feed = parse(client.get(f"/feeds/channel/{mine.channel.slug}/atom.xml"))
    assert channel_feed.feed.title.endswith(mine.channel.name)
    assert channel_feed.feed.link == f"{BASE}/channel/{mine.channel.slug}/"
    assert [e.title for e in channel_feed.entries] == ["本频道"]
    creator_feed = parse(client.get(f"/feeds/creator/{mine.creator_id}/rss.xml"))
    assert creator_feed.feed.title == mine.creator.display_name
    assert [e.title for e in creator_feed.entries] == ["本频道"]
    topic_feed = parse(client.get("/feeds/topic/春天/旅行/rss.xml"))
    assert topic_feed.feed.title == "#春天/旅行#"
    assert [e.title for e in topic_feed.entries] == ["本频道"]


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/channel/nope/rss.xml",
        "/feeds/creator/999999/atom.xml",
        "/feeds/topic/无此话题/rss.xml",
    ],
)
def test_unknown_objects_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_newest_first_and_bounded_by_the_setting(client, settings):
    settings.OPENHAO_FEED_ITEMS = 3
    now = timezone.now()
    for i in range(5):
        ArticleFactory(title=f"第{i}篇", published_at=now - timedelta(hours=i))
    titles = [e.title for e in parse(client.get("/feeds/rss.xml")).entries]
    assert titles == ["第0篇", "第1篇", "第2篇"]


def test_links_never_come_from_the_host_header(client, article, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response = client.get("/feeds/atom.xml", HTTP_HOST="evil.example")
    assert b"evil.example" not in response.content


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/feeds/rss.xml", 2),  # the articles with creator and channel; their topics
        ("/feeds/channel/{slug}/atom.xml", 3),  # the channel first
        ("/feeds/creator/{creator}/rss.xml", 3),  # the creator first
        ("/feeds/topic/{topic}/atom.xml", 3),  # the topic first
    ],
)
def test_query_count_does_not_grow_with_the_articles(
    client, django_assert_num_queries, url, queries, settings
):
    settings.OPENHAO_PAGE_CACHE_ENABLED = False
    channel, creator, topic = ChannelFactory(), CreatorFactory(), TopicFactory(name="计数")
    url = url.format(slug=channel.slug, creator=creator.pk, topic=topic.name)

    def add(n):
        for _ in range(n):
            ArticleFactory(channel=channel, creator=creator, topics=[topic, TopicFactory()])

    add(3)
    with django_assert_num_queries(queries):
        assert len(parse(client.get(url)).entries) == 3
    add(12)
    with django_assert_num_queries(queries):
        assert len(parse(client.get(url)).entries) == 15


def test_feeds_are_cached_publicly_and_emptied_when_an_article_is_removed(client, article):
    other = ArticleFactory(creator=article.creator, title="另一篇")
    for url in ("/feeds/rss.xml", f"/feeds/creator/{article.creator_id}/rss.xml"):
        first = client.get(url)
        assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]
        assert first["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    article_services.article_remove(article=other)
    for url in ("/feeds/rss.xml", f"/feeds/creator/{article.creator_id}/rss.xml"):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert [e.title for e in parse(response).entries] == ["江南的春雨"]


def test_a_published_or_edited_article_shows_at_once(client, article):
    assert client.get("/feeds/atom.xml")["X-Page-Cache"] == "miss"
    draft = ArticleFactory(title="新稿", status=Article.Status.DRAFT, published_at=None)
    article_services.article_publish(article=draft)
    assert [e.title for e in parse(client.get("/feeds/atom.xml")).entries][0] == "新稿"
    Article.objects.filter(pk=draft.pk).update(title="x")  # no signal: the cache stays
    draft.refresh_from_db()
    draft.title = "改过的标题"
    draft.save()
    assert "改过的标题" in [e.title for e in parse(client.get("/feeds/atom.xml")).entries]


def test_pages_point_feed_readers_at_their_feeds(client):
    article = ArticleFactory(topics=[TopicFactory(name="发现")])
    pages = {
        "/": ("/feeds/rss.xml", "/feeds/atom.xml"),
        article.channel.get_absolute_url(): (
            f"/feeds/channel/{article.channel.slug}/rss.xml",
            f"/feeds/channel/{article.channel.slug}/atom.xml",
        ),
        f"/creator/{article.creator_id}/": (
            f"/feeds/creator/{article.creator_id}/rss.xml",
            f"/feeds/creator/{article.creator_id}/atom.xml",
        ),
        "/topic/发现/": ("/feeds/topic/%E5%8F%91%E7%8E%B0/rss.xml",),
    }
    for url, feeds in pages.items():
        html = client.get(url).content.decode()
        for feed in feeds:
            assert f'href="{feed}"' in html, (url, feed)
            assert client.get(feed).status_code == 200
