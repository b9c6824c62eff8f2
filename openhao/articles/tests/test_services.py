import pytest

from openhao.articles.models import Article
from openhao.articles.sanitize import sanitize_body
from openhao.articles.services import (
    ReferenceData,
    article_create,
    article_publish,
    article_remove,
    creator_recount_articles,
    summary_from_html,
)
from openhao.articles.tests.factories import ChannelFactory
from openhao.creators.tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def make_article(creator, **kwargs):
    return article_create(
        creator=creator,
        channel=ChannelFactory(),
        title="一篇用来测试服务的文章",
        body_html="<h2>开头</h2><p onclick='x()'>第一段<script>bad()</script></p>",
        topic_names=["#春季图文激励计划#", "城市"],
        references=[ReferenceData(title="参考书", source="出版社")],
        **kwargs,
    )


def test_create_sanitises_and_stores_structure():
    article = make_article(CreatorFactory(article_count=0))
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert "<script" not in article.body_html and "onclick" not in article.body_html
    assert article.summary == "开头 第一段"
    assert sorted(t.name for t in article.topics.all()) == ["城市", "春季图文激励计划"]
    assert [(r.title, r.source) for r in article.references.all()] == [("参考书", "出版社")]


def test_publish_and_remove_keep_article_count_in_step():
    creator = CreatorFactory(article_count=0)
    article = make_article(creator)
    article_publish(article=article)
    article_publish(article=article)  # idempotent
    creator.refresh_from_db()
    assert creator.article_count == 1
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    article_remove(article=article)
    article_remove(article=article)
    creator.refresh_from_db()
    assert creator.article_count == 0
    assert creator_recount_articles(creator=creator) == 0


def test_summary_from_html_truncates():
    assert summary_from_html("<p>" + "字" * 300 + "</p>", length=10) == "字" * 9 + "…"


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript"),
        ('<p style="background:url(x)">x</p>', "style"),
        ("<iframe src=//evil></iframe>", "<iframe"),
        ('<svg><a xlink:href="javascript:alert(1)"/></svg>', "javascript"),
        ("<object data=x></object>", "<object"),
    ],
)
def test_sanitiser_removes_active_content(dirty, forbidden):
    assert forbidden not in sanitize_body(dirty).lower()


def test_sanitiser_keeps_structure():
    html = (
        "<h2>标题</h2><p><strong>粗</strong><em>斜</em></p><blockquote>引</blockquote>"
        '<figure><img src="/media/a.jpg" alt="说明"><figcaption>图注</figcaption></figure>'
        '<ul><li>一</li></ul><a href="https://example.com/">链接</a>'
    )
    clean = sanitize_body(html)
    for kept in ("<h2>", "<strong>", "<blockquote>", 'alt="说明"', "<figcaption>", "<li>"):
        assert kept in clean
    assert 'rel="noopener noreferrer nofollow ugc"' in clean
