"""分享海报 through HTTP and the renderer: the image, its QR code, its cache and its page."""

from __future__ import annotations

import io
import re
from datetime import datetime
from datetime import timezone as dt_timezone
from html import unescape

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from openhao.articles import poster, services
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.common.cache import CARE_COOKIE
from openhao.creators.tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

LONG_TITLE = "Marathon 跑者们在城市里奔跑的漫长故事，"


@pytest.fixture
def article():
    return ArticleFactory(
        # Past 先审后发, so an edit changes the public article at once.
        creator=CreatorFactory(display_name="山海旅行家", approved_article_count=10),
        channel=ChannelFactory(slug="sports", name="体育"),
        title="跑进春天：一座城市的马拉松记忆",
        summary="从起跑线到终点，记录一座城市的马拉松故事。",
        published_at=datetime(2025, 5, 22, 8, 13, 50, tzinfo=dt_timezone.utc),
    )


@pytest.fixture
def renders(monkeypatch):
    """How many posters were drawn."""
    calls = []
    real = poster.render_poster

    def counting(data, *, care=False):
        calls.append((data.article_id, care))
        return real(data, care=care)

    monkeypatch.setattr(poster, "render_poster", counting)
    return calls


def image_of(response) -> Image.Image:
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def dark_pixels(image: Image.Image, box) -> int:
    """Pixels in ``box`` clearly darker than the white card (text is dark grey or black)."""
    grey = image.crop(box).convert("L")
    return sum(1 for value in grey.tobytes() if value < 160)


def test_poster_is_a_1080_wide_jpeg_whose_qr_code_opens_the_article(client, article):
    zxingcpp = pytest.importorskip("zxingcpp")
    response = client.get(f"/article/{article.pk}/poster.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = image_of(response)
    assert image.width == 1080
    assert image.height > 1080
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        f"http://127.0.0.1:8000/article/{article.pk}/"
    ]
    assert "s-maxage=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["ETag"]


def test_title_and_summary_are_drawn(client, article):
    image = image_of(client.get(f"/article/{article.pk}/poster.jpg"))
    plan = poster.layout(poster.poster_data(article))
    top = poster.CONTENT_TOP
    title_box = (poster.MARGIN, top, 1080 - poster.MARGIN, top + plan.title_step)
    assert dark_pixels(image, title_box) > 2000
    summary_top = top + plan.title_step * len(plan.title_lines) + 32
    summary_box = (poster.MARGIN, summary_top, 1080 - poster.MARGIN, summary_top + 60)
    grey = image.crop(summary_box).convert("L")
    assert sum(1 for v in grey.tobytes() if v < 200) > 500


def test_a_very_long_title_wraps_inside_the_margins_and_ends_in_an_ellipsis(client):
    # As long as the field allows (64), and more than three lines of it.
    article = ArticleFactory(title=(LONG_TITLE * 4)[:64], summary="摘要" * 100)
    face = poster.font(poster.NORMAL.title_size, "Bold")
    width = 1080 - 2 * poster.MARGIN
    lines = poster.wrap(article.title, face, width, poster.NORMAL.title_lines)
    assert len(lines) == poster.NORMAL.title_lines
    assert lines[-1].endswith("…")
    assert all(face.getlength(line) <= width for line in lines)

    image = image_of(client.get(f"/article/{article.pk}/poster.jpg"))
    plan = poster.layout(poster.poster_data(article))
    top = poster.CONTENT_TOP
    bottom = top + plan.title_step * len(plan.title_lines)
    # The margins beside the title stay white (a few px of JPEG ringing next to the text).
    assert dark_pixels(image, (0, top, poster.MARGIN - 8, bottom)) == 0
    assert dark_pixels(image, (1080 - poster.MARGIN + 8, top, 1080, bottom)) == 0
    assert dark_pixels(image, (poster.MARGIN, top, 1080 - poster.MARGIN, bottom)) > 10000


def test_wrap_keeps_latin_words_whole_and_punctuation_off_line_starts():
    face = poster.font(40, "Regular")
    text = "跑者们说 Marathon 不只是比赛，更是一座城市的节日。Every runner has a story，对吧？"
    for width in range(300, 900, 37):
        lines = poster.wrap(text, face, width, 20)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(face.getlength(line) <= width for line in lines)
        assert not any(line[0] in poster.NO_LINE_START for line in lines)
        words = {w for line in lines for w in re.findall(r"[A-Za-z]+", line)}
        assert words <= {"Marathon", "Every", "runner", "has", "a", "story"}


def test_wrap_breaks_a_word_wider_than_the_line():
    face = poster.font(40, "Regular")
    lines = poster.wrap("A" * 80, face, 400, 10)
    assert len(lines) > 1 and all(face.getlength(line) <= 400 for line in lines)


def test_second_request_is_a_cache_hit_without_queries(
    client, article, renders, django_assert_num_queries
):
    path = f"/article/{article.pk}/poster.jpg"
    first = client.get(path)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.content == first.content
    assert renders == [(article.pk, False)]
    # A browser revalidating gets 304 without the bytes.
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_edit_draws_a_new_poster(client, article, renders):
    path = f"/article/{article.pk}/poster.jpg"
    before = client.get(path).content
    services.article_update(
        article=article, channel=article.channel, title="改过的标题", body_html=article.body_html
    )
    after = client.get(path).content
    assert after != before
    assert len(renders) == 2
    client.get(path)
    assert len(renders) == 2


def test_a_creator_rename_draws_a_new_poster(client, article, renders):
    path = f"/article/{article.pk}/poster.jpg"
    client.get(path)
    article.creator.display_name = "新的名字"
    article.creator.save()
    client.get(path)
    assert len(renders) == 2


def test_care_mode_is_a_separate_larger_poster(client, article, renders):
    normal = image_of(client.get(f"/article/{article.pk}/poster.jpg"))
    care = image_of(client.get(f"/article/{article.pk}/poster-care.jpg"))
    assert care.width == normal.width == 1080
    assert care.height > normal.height
    assert poster.CARE.title_size > poster.NORMAL.title_size * 1.2
    assert sorted(renders) == [(article.pk, False), (article.pk, True)]
    client.get(f"/article/{article.pk}/poster-care.jpg")
    assert len(renders) == 2


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.PENDING, Article.Status.REMOVED]
)
@pytest.mark.parametrize("suffix", ["poster/", "poster.jpg", "poster-care.jpg"])
def test_unpublished_articles_have_no_poster(client, status, suffix):
    article = ArticleFactory(status=status)
    assert client.get(f"/article/{article.pk}/{suffix}").status_code == 404


def test_a_removed_article_loses_its_cached_poster(client, article):
    assert client.get(f"/article/{article.pk}/poster.jpg").status_code == 200
    services.article_remove(article=article)
    assert client.get(f"/article/{article.pk}/poster.jpg").status_code == 404
    assert client.get(f"/article/{article.pk}/poster/").status_code == 404


def test_query_count_is_bounded(client, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(f"/article/{article.pk}/poster/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/article/{article.pk}/poster.jpg").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/article/{article.pk}/poster-care.jpg").status_code == 200


def test_cover_and_avatar_are_drawn(client):
    cover = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 60, 200)).save(cover, format="JPEG")
    avatar = io.BytesIO()
    Image.new("RGB", (256, 256), (10, 160, 40)).save(avatar, format="PNG")
    article = ArticleFactory()
    article.cover.save("cover.jpg", ContentFile(cover.getvalue()))
    article.creator.avatar.save("avatar.png", ContentFile(avatar.getvalue()))
    image = image_of(client.get(f"/article/{article.pk}/poster.jpg"))
    r, g, b = image.getpixel((540, 300))
    assert b > 180 and r < 60
    plan = poster.layout(poster.poster_data(Article.objects.get(pk=article.pk)))
    avatar_y = plan.height - poster._footer(plan.style) - 28 - plan.style.avatar // 2  # noqa: SLF001
    r, g, b = image.getpixel((poster.MARGIN + plan.style.avatar // 2, avatar_y))
    assert g > 120 and r < 60 and b < 80


def test_without_cover_or_avatar_a_background_and_an_initial_are_generated(article):
    data = poster.poster_data(article)
    image = Image.open(io.BytesIO(poster.render_poster(data))).convert("RGB")
    # The gradient is in colour (not white, not grey).
    r, g, b = image.getpixel((540, 300))
    assert max(r, g, b) - min(r, g, b) > 40


def test_poster_page_is_accessible_and_names_its_image(client, article):
    response = client.get(f"/article/{article.pk}/poster/")
    assert response.status_code == 200
    html = response.content.decode()
    img = re.search(r'<img src="(/article/\d+/poster\.jpg)"[^>]*>', html)
    assert img, html
    tag = img.group(0)
    alt = unescape(re.search(r'alt="([^"]*)"', tag).group(1))
    assert article.title in alt and "山海旅行家" in alt and "2025-05-22 16:13" in alt
    height = int(re.search(r'height="(\d+)"', tag).group(1))
    assert image_of(client.get(img.group(1))).size == (1080, height)
    assert f'download="openhao-poster-{article.pk}.jpg"' in html
    assert "下载海报" in html and "分享到新浪微博" in html
    assert "<script" not in html.split("<footer")[0].split('<section class="poster-page"')[1]


def test_poster_page_in_care_mode_shows_the_care_poster(client, article):
    client.cookies[CARE_COOKIE] = "1"
    html = client.get(f"/article/{article.pk}/poster/").content.decode()
    assert f'src="/article/{article.pk}/poster-care.jpg"' in html


def test_share_menu_links_to_the_poster(client, article):
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert f'href="/article/{article.pk}/poster/"' in html


def test_the_font_is_the_packaged_noto_sans_cjk_sc():
    assert poster.FONT_PATH.is_file()
    assert "site-packages" in str(poster.FONT_PATH) or "manimgx_fonts_cjk" in str(poster.FONT_PATH)
    assert poster.font(40).getname()[0] == "Noto Sans CJK SC"
