"""The article page, through HTTP: every element of the reference page, with real data."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from html import unescape
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.utils import timezone

from openhao.articles.models import Article
from openhao.articles.tests.factories import (
    ArticleFactory,
    ChannelFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
)
from openhao.creators.tests.factories import BadgeFactory, CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_article():
    news = SectionFactory(slug="news", name="要闻")
    original = SectionFactory(slug="original", name="态度原创", is_original=True)
    sports = ChannelFactory(slug="sports", name="体育", box_title="体育要闻", section=news)
    ChannelFactory(slug="travel", name="旅游", box_title="旅游", section=original)
    creator = CreatorFactory(
        display_name="山海旅行家", motto="走过的路都算数", article_count=2447, follower_count=16418
    )
    creator.badges.add(BadgeFactory(name="春季激励达人", symbol="✿"))
    article = ArticleFactory(
        creator=creator,
        channel=sports,
        title="跑进春天：一座城市的马拉松记忆",
        summary="从起跑线到终点，记录一座城市的马拉松故事。",
        body_html=(
            "<h2>清晨的起跑线</h2><p>天刚亮，选手们已经聚在广场。</p>"
            '<figure><img src="/media/demo/a.jpg" alt="起跑线上的人群"><figcaption>起跑前五分钟'
            "</figcaption></figure><h2>补给站</h2><p>志愿者递来温水。</p>"
            '<figure><img src="/media/demo/b.jpg" alt="补给站的志愿者"><figcaption>补给站'
            "</figcaption></figure><h2>终点</h2><p>冲线的一刻。</p>"
        ),
        published_at=datetime(2025, 5, 22, 8, 13, 50, tzinfo=dt_timezone.utc),
        comment_count=37,
        topics=[TopicFactory(name="春季图文激励计划")],
    )
    ReferenceFactory(article=article, title="城市马拉松年度报告", source="体育研究出版社")
    ReferenceFactory(article=article, title="长跑训练手册", source="健康出版社")
    return article


def test_article_page_has_every_element_in_order(client, rich_article):
    article = rich_article
    past = ArticleFactory(creator=article.creator, channel=article.channel, title="上一篇游记")
    other = ArticleFactory(channel=article.channel, title="同频道的另一篇文章")
    travel_item = ArticleFactory(
        channel__slug="travel", title="古镇里的慢时光", published_at=timezone.now()
    )

    response = client.get(f"/article/{article.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    markers = [
        'class="breadcrumb"',
        ">正文<",
        "跑进春天：一座城市的马拉松记忆</h1>",
        "山海旅行家</a>",
        "2025-05-22 16:13:50",  # Asia/Shanghai, to the second
        '<span class="comment-count">37</span>',
        "<summary>分享至</summary>",
        "<h2>清晨的起跑线</h2>",
        "参考资料",
        "#春季图文激励计划#",
        "特别声明",
        "Notice:",
        "相关推荐",
        "热点推荐",
        'class="author-card"',
        "往期回顾",
        "体育要闻",
        "态度原创",
        "无障碍浏览",
        "进入关怀版",
    ]
    positions = [html.find(m) for m in markers]
    missing = [m for m, p in zip(markers, positions, strict=True) if p < 0]
    assert not missing, missing
    # The header repeats a few links; the page's own elements must appear in reading order.
    main = html[html.find("<main") :]
    ordered = [main.find(m) for m in markers[:-2]]
    assert ordered == sorted(ordered), list(zip(markers, ordered, strict=False))

    # Body: sub-headings, images with alt text and captions survive sanitising.
    assert html.count("<figcaption>") >= 2
    assert 'alt="起跑线上的人群"' in html
    # References with their sources.
    assert "城市马拉松年度报告" in html and "体育研究出版社" in html
    # Hashtag links to the topic page.
    assert f'href="{quote("/topic/春季图文激励计划/")}"' in html
    # Author card: name, badge, motto, counts, past articles and the 全部 link.
    card = html[html.find('class="author-card"') :]
    assert "春季激励达人" in card and "走过的路都算数" in card
    assert "<dd>2447</dd>" in card and "<dd>16418</dd>" in card
    assert past.title in card
    assert f'href="/creator/{article.creator.pk}/"' in card
    # Related (same channel) and channel boxes have real items.
    related = html[html.find("相关推荐") : html.find("热点推荐")]
    assert other.title in related and article.title not in related
    assert travel_item.title in html[html.find("态度原创") :]


def test_hot_list_items_have_title_creator_and_time(client, rich_article):
    hot = ArticleFactory(title="全城热议的一场球赛", view_count=99999)
    html = client.get(f"/article/{rich_article.pk}/").content.decode()
    block = html[html.find("热点推荐") : html.find('class="author-card"')]
    assert hot.title in block
    assert hot.creator.display_name in block
    assert timezone.localtime(hot.published_at).strftime("%Y-%m-%d %H:%M:%S") in block
    # The article being read is not recommended to itself.
    assert rich_article.title not in block


def test_share_menu_links(client, rich_article):
    html = unescape(client.get(f"/article/{rich_article.pk}/").content.decode())
    url = f"http://127.0.0.1:8000/article/{rich_article.pk}/"
    assert f'value="{url}"' in html
    assert "https://service.weibo.com/share/share.php?url=http%3A%2F%2F127.0.0.1%3A8000" in html
    assert "https://connect.qq.com/widget/shareqq/index.html?url=" in html
    assert f'src="/article/{rich_article.pk}/qr.png"' in html


def test_open_graph_and_canonical(client, rich_article):
    html = client.get(f"/article/{rich_article.pk}/").content.decode()
    url = f"http://127.0.0.1:8000/article/{rich_article.pk}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="跑进春天：一座城市的马拉松记忆">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'property="og:description" content="从起跑线到终点' in html


@override_settings(OPENHAO_DISCLAIMER_ZH="自定义声明：{site}", OPENHAO_SITE_NAME="测试站")
def test_disclaimer_is_configurable(client, rich_article):
    html = client.get(f"/article/{rich_article.pk}/").content.decode()
    assert "自定义声明：测试站" in html


def test_qr_code_decodes_to_article_url(client, rich_article):
    zxingcpp = pytest.importorskip("zxingcpp")
    import io

    from PIL import Image

    response = client.get(f"/article/{rich_article.pk}/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [r.text for r in results] == [f"http://127.0.0.1:8000/article/{rich_article.pk}/"]


def test_qr_code_404_for_draft(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(f"/article/{draft.pk}/qr.png").status_code == 404


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.PENDING, Article.Status.REMOVED]
)
def test_unpublished_articles_are_404(client, status):
    article = ArticleFactory(status=status)
    response = client.get(f"/article/{article.pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_unknown_article_is_404_and_cached_briefly(client):
    response = client.get("/article/999999/")
    assert response.status_code == 404
    assert "s-maxage=30" in response["Cache-Control"]


def test_cached_404_is_invalidated_when_the_article_is_published(client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(f"/article/{article.pk}/").status_code == 404
    assert client.get(f"/article/{article.pk}/")["X-Page-Cache"] == "hit"
    from openhao.articles.services import article_publish

    article_publish(article=article)
    assert client.get(f"/article/{article.pk}/").status_code == 200


def test_hostile_body_renders_inert(client):
    article = ArticleFactory(
        body_html=(
            '<p onclick="steal()" style="position:fixed">正文<script>alert(1)</script></p>'
            '<a href="javascript:alert(2)">点我</a><img src="x" onerror="alert(3)" alt="图">'
            '<iframe src="https://evil.example/"></iframe><svg onload="alert(4)"></svg>'
        )
    )
    html = client.get(f"/article/{article.pk}/").content.decode()
    body = html[html.find('id="article-body"') : html.find("特别声明")]
    assert "正文" in body
    for needle in ("<script", "onclick", "onerror", "onload", "javascript:", "style=", "<iframe"):
        assert needle not in body.lower(), needle
    stored = Article.objects.get(pk=article.pk).body_html
    assert "<script" not in stored and "onerror" not in stored


def test_query_count_is_bounded_and_flat(client, django_assert_max_num_queries, rich_article):
    def queries_for_page():
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/article/{rich_article.pk}/").status_code == 200
        return len(ctx.captured_queries)

    # One recent neighbour and one past article of the creator, so every list on the page is
    # non-empty (an empty list costs no query) before comparing with many.
    ArticleFactory(channel__slug="travel")
    ArticleFactory(channel__slug="travel", creator=rich_article.creator)
    few = queries_for_page()
    # Many more related, hot, past and channel items, plus more channels and topics.
    for i in range(4):
        ChannelFactory(slug=f"extra{i}", section=rich_article.channel.section)
    ArticleFactory.create_batch(30, channel=rich_article.channel, creator=rich_article.creator)
    ArticleFactory.create_batch(20, channel__slug="travel")
    for i in range(4):
        ArticleFactory.create_batch(5, channel__slug=f"extra{i}")
    many = queries_for_page()
    assert many == few
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(15):
        client.get(f"/article/{rich_article.pk}/")


def test_cached_article_page_runs_no_query(client, django_assert_num_queries, rich_article):
    client.get(f"/article/{rich_article.pk}/")
    with django_assert_num_queries(0):
        response = client.get(f"/article/{rich_article.pk}/")
    assert response["X-Page-Cache"] == "hit"


def test_publish_time_second_precision_in_shanghai(client):
    article = ArticleFactory(published_at=datetime(2026, 1, 1, 23, 59, 59, tzinfo=dt_timezone.utc))
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "2026-01-02 07:59:59" in html
    assert 'datetime="2026-01-02T07:59:59+08:00"' in html


def test_related_excludes_unpublished(client, rich_article):
    draft = ArticleFactory(
        channel=rich_article.channel, status=Article.Status.DRAFT, title="还没写完的草稿"
    )
    removed = ArticleFactory(
        channel=rich_article.channel, status=Article.Status.REMOVED, title="已经下架的文章"
    )
    html = client.get(f"/article/{rich_article.pk}/").content.decode()
    assert draft.title not in html and removed.title not in html


def test_hot_list_window_is_72_hours(client, rich_article):
    old = ArticleFactory(
        title="很久以前的爆款", view_count=10**7, published_at=timezone.now() - timedelta(days=4)
    )
    html = client.get(f"/article/{rich_article.pk}/").content.decode()
    block = html[html.find("热点推荐") : html.find('class="author-card"')]
    assert old.title not in block


def test_comment_count_is_not_guessed(client, rich_article):
    html = client.get(f"/article/{rich_article.pk}/").content.decode()
    assert re.search(r'<span class="comment-count">37</span>', html)


def test_no_template_syntax_leaks_into_the_pages(client, rich_article):
    # Django's {# #} comments end at the line: a two-line one is printed as text.
    ArticleFactory(title="桂林山水游记")
    for url in ("/", rich_article.get_absolute_url(), "/search/?q=桂林"):
        html = client.get(url).content.decode()
        for token in ("{#", "#}", "{%", "%}", "{{", "}}"):
            assert token not in html, (url, token)


@override_settings(OPENHAO_PAGE_CACHE_ENABLED=False)
def test_related_block_is_rendered_once_per_article(client, rich_article):
    """With the page cache off (or a page that expired, or the care-mode copy), the 相关推荐
    block comes from its fragment: a second render of the same article runs fewer queries and
    shows the same list; an edit of the article renders it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    neighbour = ArticleFactory(channel=rich_article.channel, title="同一频道的邻居文章")
    url = f"/article/{rich_article.pk}/"

    def render():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        related = html[html.find('id="related-heading"') : html.find('class="sidebar"')]
        return len(ctx.captured_queries), related

    first_queries, first = render()
    again_queries, again = render()
    assert neighbour.title in first
    assert again == first
    assert again_queries < first_queries

    neighbour.title = "邻居文章改了标题"
    neighbour.save()
    rich_article.summary = "编辑后的摘要"
    rich_article.save()  # the article's tag changes: its related block is built again
    _queries, edited = render()
    assert "邻居文章改了标题" in edited


@override_settings(OPENHAO_PAGE_CACHE_ENABLED=False)
def test_references_and_topics_follow_edits_of_the_article(client, rich_article):
    """References and topics come from a fragment tied to the article's tag: adding, editing and
    removing them shows on the next render, and a render in between runs no query for them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/article/{rich_article.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "articles_reference" not in tables and "articles_topic" not in tables

    ref = ReferenceFactory(article=rich_article, title="新加的参考资料")
    rich_article.topics.add(TopicFactory(name="新话题"))
    html = client.get(url).content.decode()
    assert "新加的参考资料" in html and "#新话题#" in html
    ref.title = "改过的参考资料"
    ref.save()
    assert "改过的参考资料" in client.get(url).content.decode()
    ref.delete()
    rich_article.topics.clear()
    html = client.get(url).content.decode()
    assert "改过的参考资料" not in html and "#新话题#" not in html


# An edit goes live at once (no 先审后发 for this creator).
@override_settings(OPENHAO_PAGE_CACHE_ENABLED=False, OPENHAO_PREREVIEW_ARTICLES=0)
def test_a_page_miss_reads_the_article_from_fragments_that_follow_its_changes(
    client, django_assert_num_queries
):
    """The article row and its creator are cached under their own tags: a repeated render
    costs no query, yet a profile edit, an article edit and a removal all show at once."""
    from openhao.articles import services

    article = ArticleFactory(title="片段里的标题", creator__display_name="旧的名字")
    path = f"/article/{article.pk}/"
    assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert "旧的名字" in client.get(path).content.decode()

    article.creator.display_name = "新的名字"
    article.creator.save()
    body = client.get(path).content.decode()
    assert "新的名字" in body and "旧的名字" not in body

    services.article_update(
        article=article, channel=article.channel, title="改过的标题", body_html=article.body_html
    )
    body = client.get(path).content.decode()
    assert "改过的标题" in body and "片段里的标题" not in body

    services.article_remove(article=Article.objects.get(pk=article.pk))
    assert client.get(path).status_code == 404
