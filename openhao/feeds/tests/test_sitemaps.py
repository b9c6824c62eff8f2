"""Sitemaps: an index, article pages over fixed id ranges, channels, creators, topics, the
Google News sitemap and robots.txt; bounded queries, cached and emptied like the pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openhao.articles import services as article_services
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

BASE = "https://hao.example.com"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.OPENHAO_BASE_URL = BASE
    settings.OPENHAO_SITEMAP_PAGE_SIZE = 3


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314  (our own output)


def locs(root) -> list[str]:
    return [e.text for e in root.iterfind(".//s:loc", NS)]


def test_the_article_sitemap_url_has_the_name_the_benchmarks_use():
    assert reverse("sitemap-articles") == "/sitemap-articles.xml"


def test_article_pages_cover_fixed_id_ranges_of_public_articles(client):
    articles = [ArticleFactory() for _ in range(7)]
    first = articles[0].pk
    ArticleFactory.reset_sequence()
    article_services.article_remove(article=articles[1])
    # Ids first..first+6; with a page size of 3 the pages are fixed ranges of ids.
    by_page = {}
    for page in range(1, (first + 6 - 1) // 3 + 2):
        by_page[page] = locs(xml(client, f"/sitemap-articles.xml?p={page}"))
    seen = [url for urls in by_page.values() for url in urls]
    expected = [f"{BASE}/article/{a.pk}/" for a in articles if a.pk != articles[1].pk]
    assert seen == expected
    for page, urls in by_page.items():
        for url in urls:
            pk = int(url.rstrip("/").rsplit("/", 1)[1])
            assert (page - 1) * 3 < pk <= page * 3
    lastmod = xml(client, f"/sitemap-articles.xml?p={(first - 1) // 3 + 1}").find(
        ".//s:lastmod", NS
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", lastmod.text)
    assert lastmod.text[:16] == articles[0].published_at.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("page", ["0", "abc", "-1", "1e5", "9" * 18])
def test_bad_page_numbers_answer_404(client, page, settings):
    settings.OPENHAO_SITEMAP_PAGE_SIZE = 5000  # page 10**18 would start past the bigint range
    assert client.get(f"/sitemap-articles.xml?p={page}").status_code == 404


def test_a_page_past_the_end_is_an_empty_urlset(client):
    ArticleFactory()
    assert locs(xml(client, "/sitemap-articles.xml?p=9999")) == []


def test_index_lists_every_page_of_every_sitemap(client):
    articles = [
        ArticleFactory(creator=CreatorFactory(article_count=1), topics=[TopicFactory()])
        for _ in range(4)
    ]
    pages = (articles[-1].pk - 1) // 3 + 1
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    urls = locs(root)
    assert f"{BASE}/sitemap-channels.xml" in urls and f"{BASE}/sitemap-news.xml" in urls
    assert [u for u in urls if "sitemap-articles" in u] == [
        f"{BASE}/sitemap-articles.xml?p={p}" for p in range(1, pages + 1)
    ]
    assert any("sitemap-creators.xml?p=" in u for u in urls)
    assert any("sitemap-topics.xml?p=" in u for u in urls)


def test_channels_creators_and_topics(client, settings):
    settings.OPENHAO_SITEMAP_PAGE_SIZE = 5000
    channel = ChannelFactory(slug="travel")
    writer = CreatorFactory(article_count=1)
    CreatorFactory(article_count=0)  # nothing public: no page worth crawling
    ArticleFactory(channel=channel, creator=writer, topics=[TopicFactory(name="春天/旅行")])
    ArticleFactory(
        status=Article.Status.DRAFT, published_at=None, topics=[TopicFactory(name="草稿话题")]
    )
    assert f"{BASE}/channel/travel/" in locs(xml(client, "/sitemap-channels.xml"))
    assert locs(xml(client, "/sitemap-creators.xml?p=1")) == [f"{BASE}/creator/{writer.pk}/"]
    assert locs(xml(client, "/sitemap-topics.xml?p=1")) == [
        f"{BASE}{reverse('articles:topic', args=['春天/旅行'])}"
    ]


def test_news_sitemap_holds_the_last_48_hours_in_google_news_format(client):
    now = timezone.now()
    fresh = ArticleFactory(title="新闻 & 标题", published_at=now - timedelta(hours=2))
    ArticleFactory(title="旧闻", published_at=now - timedelta(hours=49))
    ArticleFactory(title="草稿", status=Article.Status.DRAFT, published_at=None)
    root = xml(client, "/sitemap-news.xml")
    (url,) = root.findall("s:url", NS)
    assert url.find("s:loc", NS).text == f"{BASE}/article/{fresh.pk}/"
    news = url.find("n:news", NS)
    assert news.find("n:title", NS).text == "新闻 & 标题"
    assert news.find("n:publication/n:name", NS).text == "开放号"
    assert news.find("n:publication/n:language", NS).text == "zh-cn"
    assert news.find("n:publication_date", NS).text.endswith("+00:00")


def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"Sitemap: {BASE}/sitemap.xml" in text
    assert f"Sitemap: {BASE}/sitemap-news.xml" in text
    assert "Disallow: /studio/" in text and "Disallow: /me/" in text
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/sitemap.xml", 3),  # the highest public article, creator and topic id
        ("/sitemap-articles.xml?p=1", 1),
        ("/sitemap-creators.xml?p=1", 1),
        ("/sitemap-topics.xml?p=1", 1),
        ("/sitemap-channels.xml", 1),
        ("/sitemap-news.xml", 1),
    ],
)
def test_query_counts_do_not_grow_with_the_site(
    client, settings, django_assert_num_queries, url, queries
):
    settings.OPENHAO_PAGE_CACHE_ENABLED = False
    settings.OPENHAO_SITEMAP_PAGE_SIZE = 5000
    for _ in range(2):
        ArticleFactory(creator=CreatorFactory(article_count=1), topics=[TopicFactory()])
    with django_assert_num_queries(queries):
        client.get(url)
    for _ in range(8):
        ArticleFactory(creator=CreatorFactory(article_count=1), topics=[TopicFactory()])
    with django_assert_num_queries(queries):
        client.get(url)


def test_a_change_empties_its_own_article_page_only(client):
    articles = [ArticleFactory() for _ in range(6)]
    page_of = {a.pk: (a.pk - 1) // 3 + 1 for a in articles}
    target, bystander = (
        articles[-1],
        next(a for a in articles if page_of[a.pk] != page_of[articles[-1].pk]),
    )
    mine = f"/sitemap-articles.xml?p={page_of[target.pk]}"
    other = f"/sitemap-articles.xml?p={page_of[bystander.pk]}"
    for url in (mine, other, "/sitemap.xml"):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    article_services.article_remove(article=target)
    response = client.get(mine)
    assert response["X-Page-Cache"] == "miss"
    assert f"/article/{target.pk}/" not in response.content.decode()
    assert client.get(other)["X-Page-Cache"] == "hit"
    assert client.get("/sitemap.xml")["X-Page-Cache"] == "miss"
