"""The studio details a new creator trips over, in Chromium: an edit of a published article
under 先审后发 keeps it online (with a warning before saving), an image upload in an empty 写文章
leaves no phantom draft, 删除 asks first and the 回收站 gives the article back, and the comments
sort (最热/最新) and 精选 work in place."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from .conftest import skip_module_without_browser
from .test_creator_browser import sign_in

skip_module_without_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (40, 110, 170)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def writer(transactional_db):
    from openhao.creators.tests.factories import CreatorFactory, UserFactory
    from openhao.demo.structure import ensure_channels

    channels = ensure_channels()
    # Approved once, still under 先审后发 (OPENHAO_PREREVIEW_ARTICLES is 3).
    return CreatorFactory(
        user=UserFactory(username="writer"),
        display_name="新来的作者",
        main_channel=channels["travel"],
        approved_article_count=1,
        article_count=1,
    )


def test_image_upload_in_an_empty_editor_leaves_no_draft(
    page, live_server, writer, js_errors, tmp_path
):
    from openhao.articles.models import Article

    base = live_server.url
    sign_in(page, base, "writer")
    page.goto(f"{base}/studio/articles/new/")
    page.locator(".ProseMirror[contenteditable=true]").wait_for()
    page.set_input_files("#body-image", _photo(tmp_path / "lake.jpg"))
    page.fill("#body-image-alt", "湖边的栈道")
    page.get_by_role("button", name="上传并插入").click()
    page.wait_for_function(
        "() => document.querySelector('.upload-status').textContent === '图片已插入。'"
    )
    page.evaluate("window.studioAutosave()")
    page.goto(f"{base}/studio/")  # leaving sends the beacon if there were anything to save
    time.sleep(1)
    assert not Article.objects.exists()
    assert "（无标题）" not in page.content()

    # With a title typed, the draft is made and keeps the image the editor held.
    page.goto(f"{base}/studio/articles/new/")
    page.locator(".ProseMirror[contenteditable=true]").wait_for()
    page.set_input_files("#body-image", _photo(tmp_path / "lake2.jpg"))
    page.fill("#body-image-alt", "湖边的栈道")
    page.get_by_role("button", name="上传并插入").click()
    page.wait_for_function(
        "() => document.querySelector('.upload-status').textContent === '图片已插入。'"
    )
    page.fill("#id_title", "湖边散步")
    page.evaluate("window.studioAutosave()")
    page.wait_for_function(
        "() => document.querySelector('.autosave-status').textContent.includes('已自动保存')"
    )
    article = Article.objects.get()
    assert article.title == "湖边散步" and 'alt="湖边的栈道"' in article.body_html
    assert js_errors == []


def test_editing_a_published_article_keeps_it_online(
    browser, page, live_server, writer, js_errors, screenshot_dir
):
    from openhao.articles.models import Article, ArticleRevision
    from openhao.articles.tests.factories import ArticleFactory

    article = ArticleFactory(
        creator=writer,
        channel=writer.main_channel,
        title="古镇里的慢时光",
        body_html="<p>青石板路被雨水洗得发亮，河边的茶馆一早就坐满了人。</p>",
        published_at=timezone.now() - timedelta(days=2),
    )
    base = live_server.url
    sign_in(page, base, "writer")
    page.goto(f"{base}/studio/articles/{article.pk}/")
    warning = page.locator("#revision-warning")
    assert "审核期间读者看到的仍是当前已发布的版本" in warning.inner_text()
    page.fill("#id_title", "古镇里的慢时光（修订版）")
    page.get_by_role("button", name="提交修改审核").click()
    assert "修改已提交审核" in page.locator(".messages").inner_text()
    assert page.locator(".studio-articles").get_by_text("修改待审核").count() == 1
    assert ArticleRevision.objects.get(article=article).status == "pending"

    reader = browser.new_page()
    try:
        response = reader.goto(f"{base}{article.get_absolute_url()}")
        assert response.status == 200
        assert reader.locator("h1#article-title").inner_text() == "古镇里的慢时光"
    finally:
        reader.close()
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    assert js_errors == []


def test_delete_asks_first_and_the_trash_gives_it_back(page, live_server, writer, js_errors):
    from openhao.articles.tests.factories import ArticleFactory

    article = ArticleFactory(creator=writer, channel=writer.main_channel, title="雨后的山路")
    base = live_server.url
    sign_in(page, base, "writer")
    page.goto(f"{base}/studio/")
    page.get_by_role("link", name="删除《雨后的山路》").click()
    assert "回收站" in page.locator(".confirm-delete").inner_text()
    page.get_by_role("button", name="确认删除").click()
    assert "已移到回收站" in page.locator(".messages").inner_text()
    assert page.locator(".studio-articles").count() == 0
    page.locator(".subnav").get_by_role("link", name="回收站").click()
    assert "30 天后彻底删除" in page.locator(".studio-trash").inner_text()
    page.get_by_role("button", name="恢复《雨后的山路》").click()
    assert "已恢复" in page.locator(".messages").inner_text()
    assert page.locator(".studio-articles").get_by_text("雨后的山路").count() == 1
    article.refresh_from_db()
    assert article.deleted_at is None and article.status == "published"
    assert js_errors == []


def test_comment_sort_and_pins_in_place(page, live_server, writer, js_errors):
    from openhao.articles.tests.factories import ArticleFactory
    from openhao.creators.tests.factories import UserFactory
    from openhao.engagement import services

    article = ArticleFactory(creator=writer, channel=writer.main_channel, title="运河边的一天")
    quiet = services.comment_create(user=UserFactory(), article=article, body="安静的一条")
    popular = services.comment_create(user=UserFactory(), article=article, body="大家都顶的一条")
    for _ in range(3):
        services.comment_vote(user=UserFactory(), comment=popular)
    base = live_server.url
    sign_in(page, base, "writer")
    page.goto(f"{base}{article.get_absolute_url()}")
    page.locator("#comments").scroll_into_view_if_needed()
    block = page.locator("#comments-block")
    block.wait_for()
    page.locator("#comment-sort-hot").click()
    page.wait_for_function(
        "() => document.querySelector('#comment-sort-hot').getAttribute('aria-current')"
    )
    items = page.locator(".new-comments .thread > .comment .comment-body").all_inner_texts()
    assert items == ["大家都顶的一条", "安静的一条"]
    assert page.evaluate("document.activeElement.id") == "comment-sort-hot"
    assert page.url.endswith(article.get_absolute_url())  # swapped in place
    page.locator(f"#pin-{quiet.pk}").click()
    page.locator(".pinned-comments").wait_for()
    assert "安静的一条" in page.locator(".pinned-comments").inner_text()
    assert js_errors == []
