"""Import of one article from a URL or pasted HTML: a clean draft, never published."""

from __future__ import annotations

import re

import pytest

from openhao.articles.models import Article, ArticleImage
from openhao.importer import extract, services

from .conftest import FIXTURES, news_page

pytestmark = pytest.mark.django_db

BOILERPLATE = [
    "滨江晨报首页",
    "下载客户端",
    "财经</a>",
    "热点排行",
    "演唱会门票",
    "寒潮",
    "相关阅读",
    "冬季河湖清淤",
    "越冬候鸟",
    "特别声明",
    "仅代表作者观点",
    "网友评论",
    "文明上网",
    "江城网友",
    "查看全部",
    "财经频道",
    "逆回购",
    "新人红包",
    "分享到",
    "关于我们",
    "版权所有",
    "Copyright",
    "来源：滨江晨报",
]


@pytest.mark.parametrize("fixture", ["news_page.html", "news_page_plain.html"])
def test_extract_keeps_the_article_and_nothing_around_it(fixture):
    # The plain page is the same page from a template without class or id names.
    html = (FIXTURES / fixture).read_text(encoding="utf-8")
    found = extract.extract(html, url="http://news.example/a.html", rehost=lambda url: "/m/1.png")
    assert found.title == "长江流域今年首批生态补偿资金下达 沿线十九省份受益"
    assert found.sitename == "滨江晨报"
    body = found.body_html
    assert "<h2>上游：水源地保护优先</h2>" in body
    assert "<h2>中下游：岸线修复与污水治理并重</h2>" in body
    assert "本报讯" in body and "绩效评估" in body
    assert "<h1" not in body  # the title is not repeated in the body
    assert '<img src="/m/1.png" alt="修复后的长江岸线湿地">' in body
    assert "<figcaption>修复后的长江岸线湿地，白鹭在浅滩觅食。</figcaption>" in body
    for text in BOILERPLATE:
        assert text not in body, text
    assert found.links == [
        (
            "《长江流域横向生态保护补偿实施办法》",
            "https://example.org/policy/eco-compensation-2026",
        ),
        ("长江水质年报", "https://example.org/data/yangtze-water-quality"),
    ]


def test_import_from_a_url_makes_a_clean_draft(web, creator):
    url = web.url("/news/2026/11/28/eco.html")
    result = services.article_import(creator=creator, url=url)
    article = result.article
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.title == "长江流域今年首批生态补偿资金下达 沿线十九省份受益"
    assert article.channel == creator.main_channel
    for text in BOILERPLATE:
        assert text not in article.body_html, text
    # The image was downloaded through the fetcher and stored like an upload.
    image = ArticleImage.objects.get(creator=creator)
    assert f'src="{image.file.url}"' in article.body_html
    assert 'alt="修复后的长江岸线湿地"' in article.body_html
    assert "/images/river-2026.png" not in article.body_html
    assert result.warnings == []
    refs = list(article.references.order_by("order"))
    assert refs[0].url == url and refs[0].title.startswith("原文：长江流域")
    assert refs[0].source == "滨江晨报"
    assert [r.url for r in refs[1:]] == [
        "https://example.org/policy/eco-compensation-2026",
        "https://example.org/data/yangtze-water-quality",
    ]


def test_an_image_on_a_forbidden_address_is_left_out(web, creator):
    page = news_page().replace(b"/images/river-2026.png", b"http://169.254.169.254/latest.png")
    web.routes["/p.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page)
    result = services.article_import(creator=creator, url=web.url("/p.html"))
    assert "<img" not in result.article.body_html
    assert not ArticleImage.objects.exists()
    assert "链路本地地址" in result.warnings[0]


def test_an_image_that_is_not_an_image_is_left_out(web, creator):
    web.routes["/images/river-2026.png"] = (200, {"Content-Type": "image/png"}, b"not a png")
    result = services.article_import(creator=creator, url=web.url("/news/2026/11/28/eco.html"))
    assert "<img" not in result.article.body_html
    assert "无法识别这个文件" in result.warnings[0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/admin/", "本机回环地址"),
        ("http://10.0.0.5/", "内网地址"),
        ("file:///etc/passwd", "只能抓取 http 或 https 网址"),
    ],
)
def test_a_forbidden_url_is_refused_with_a_reason(creator, url, message):
    with pytest.raises(services.ImportFailed, match=message):
        services.article_import(creator=creator, url=url)
    assert not Article.objects.exists()


def test_pasted_html_goes_through_the_editors_sanitiser(creator):
    html = (
        "<h1>粘贴的标题</h1><p onclick='steal()'>第一段正文，内容足够长。<script>alert(1)</script>"
        "<a href='javascript:alert(1)'>坏链接</a></p><h3>小标题</h3>"
        "<p style='color:red'>第二段。</p>"
        "<iframe src='http://evil.example/'></iframe>"
    )
    article = services.article_import(creator=creator, html=html).article
    assert article.status == Article.Status.DRAFT
    assert article.title == "粘贴的标题"
    body = article.body_html
    for bad in ("script", "onclick", "javascript:", "style=", "iframe", "alert"):
        assert bad not in body, bad
    assert "<h3>小标题</h3>" in body and "第一段正文" in body
    assert not article.references.exists()  # no source URL to keep


def test_empty_paste_is_refused(creator):
    with pytest.raises(services.ImportFailed, match="请输入网址或粘贴网页 HTML"):
        services.article_import(creator=creator, html="  ")
    with pytest.raises(services.ImportFailed, match="没有在这个页面上找到正文"):
        services.article_import(creator=creator, html="<nav><a href='/'>首页</a></nav>")


def test_an_image_without_alt_takes_its_caption(web, creator):
    page = news_page().replace('alt="修复后的长江岸线湿地"'.encode(), b"")
    web.routes["/p.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page)
    article = services.article_import(creator=creator, url=web.url("/p.html")).article
    assert 'alt="修复后的长江岸线湿地，白鹭在浅滩觅食。"' in article.body_html


def test_images_past_the_cap_are_left_out_with_one_warning(web, creator, settings):
    settings.OPENHAO_IMPORT_MAX_IMAGES = 2
    images = "".join(f'<p><img src="/images/{n}.png" alt="图{n}"></p>' for n in range(4))
    for n in range(4):
        web.routes[f"/images/{n}.png"] = web.routes["/images/river-2026.png"]
    html = f"<p>一段足够长的正文内容，用来导入。</p>{images}"
    web.routes["/p.html"] = (200, {"Content-Type": "text/html"}, html.encode())
    result = services.article_import(creator=creator, url=web.url("/p.html"))
    assert ArticleImage.objects.count() == 2
    assert result.article.body_html.count("<img") == 2
    assert not re.search(r"<p>\s*</p>", result.article.body_html)  # no husk of a dropped image
    assert result.warnings == ["图片超过 2 张，其余未导入。"]


def test_the_same_image_twice_is_fetched_and_stored_once(web, creator):
    rehost = services._Rehoster(creator)
    url = web.url("/images/river-2026.png")
    assert rehost(url) == rehost(url)
    assert [path for path, _headers in web.requests] == ["/images/river-2026.png"]
    assert ArticleImage.objects.count() == 1
