"""The article page measured against the reference page: a hot list of about twenty items with
thumbnails, channel boxes that lead with one headline and its image, and the creator line with
the time again above the author card."""

import re
from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.core.files.base import ContentFile

from openhao.articles.fragments import HOT_ON_ARTICLE
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory, SectionFactory
from openhao.creators.tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def with_cover(article, name):
    article.cover.save(f"{name}.jpg", ContentFile(b"jpeg bytes"), save=False)
    article.cover_alt = f"{name}的封面"
    article.save(update_fields=["cover", "cover_alt"])
    return article


@pytest.fixture
def page_article():
    news = SectionFactory(slug="news", name="要闻")
    sports = ChannelFactory(slug="sports", name="体育", box_title="体育要闻", section=news)
    creator = CreatorFactory(display_name="山海旅行家")
    return ArticleFactory(
        creator=creator,
        channel=sports,
        title="跑进春天：一座城市的马拉松记忆",
        published_at=datetime(2025, 5, 22, 8, 13, 50, tzinfo=dt_timezone.utc),
    )


def sidebar_hot(html):
    return html[html.index('class="hot-list"') : html.index("</section>", html.index("hot-list"))]


def test_hot_list_shows_about_twenty_items_with_thumbnails(client, page_article):
    assert 18 <= HOT_ON_ARTICLE <= 24
    covers = {
        with_cover(
            ArticleFactory(title=f"热点文章第{i:02d}篇", view_count=1000 + i), f"hot{i}"
        ).cover.url
        for i in range(HOT_ON_ARTICLE + 4)
    }
    html = client.get(page_article.get_absolute_url()).content.decode()
    block = sidebar_hot(html)
    items = re.findall(r'<li class="hot-item">(.*?)</li>', block, re.S)
    assert len(items) == HOT_ON_ARTICLE
    for item in items:
        # The thumbnail belongs to the title's link (one stop per item) and is decorative.
        assert re.search(r'<a class="hot-title" href="[^"]+"><img class="hot-thumb" src="[^"]+"'
                         r' alt="" width="96" height="54" loading="lazy">', item), item  # fmt: skip
    shown = set(re.findall(r'<img class="hot-thumb" src="([^"]+)"', block))
    assert len(shown) == HOT_ON_ARTICLE and shown <= covers


def test_hot_item_without_cover_has_no_broken_image(client, page_article):
    ArticleFactory(title="没有封面的热点文章", view_count=5000)
    block = sidebar_hot(client.get(page_article.get_absolute_url()).content.decode())
    item = re.search(
        r'<li class="hot-item">((?:(?!</li>).)*没有封面的热点文章.*?)</li>', block, re.S
    )
    assert item and "<img" not in item.group(1)


def test_channel_box_leads_with_one_headline_and_its_image(client, page_article):
    channel = page_article.channel
    newest_plain = ArticleFactory(channel=channel, title="最新但没有图片的一篇")
    lead = with_cover(ArticleFactory(channel=channel, title="带图的头条文章"), "lead")
    html = client.get(page_article.get_absolute_url()).content.decode()
    boxes = html[html.index('class="channel-boxes"') :]
    box = boxes[
        boxes.index('id="box-sports"') : boxes.index("</section>", boxes.index("box-sports"))
    ]
    head = re.search(r'<div class="box-lead">(.*?)</div>', box, re.S)
    assert head, box
    assert lead.title in head.group(1) and lead.cover.url in head.group(1)
    assert f'alt="{lead.cover_alt}"' not in head.group(1)  # the title beside it says it all
    rest = box[head.end() :]
    assert newest_plain.title in rest and page_article.title in rest
    assert lead.title not in rest


def test_box_without_any_image_leads_with_its_newest_title(client, page_article):
    html = client.get(page_article.get_absolute_url()).content.decode()
    boxes = html[html.index('class="channel-boxes"') :]
    head = re.search(r'<div class="box-lead">(.*?)</div>', boxes, re.S)
    assert head and page_article.title in head.group(1) and "<img" not in head.group(1)


def test_creator_line_with_time_stands_again_above_the_author_card(client, page_article):
    html = client.get(page_article.get_absolute_url()).content.decode()
    card = html.index('class="author-card"')
    byline = html.rfind('class="end-byline"', 0, card)
    assert byline > html.index('class="hot-list"'), "the line stands right above the card"
    line = html[byline : html.index("</p>", byline)]
    assert "山海旅行家</a>" in line
    assert '<time datetime="2025-05-22T16:13:50+08:00">2025-05-22 16:13:50</time>' in line
