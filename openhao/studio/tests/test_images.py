"""Image uploads: checked by content, size-limited, EXIF stripped, renditions by a task."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from openhao.articles.models import Article, ArticleImage
from openhao.creators.tests.helpers import SVG_WITH_SCRIPT, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def post_image(client, data, name="photo.jpg", content_type="image/jpeg"):
    return client.post(
        reverse("studio:upload"),
        {"image": upload(data, name, content_type)},
        HTTP_ACCEPT="application/json",
    )


def test_upload_strips_exif_and_makes_renditions(
    client, creator, django_capture_on_commit_callbacks
):
    client.force_login(creator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_image(client, jpeg_bytes(1600, 900, exif_gps=True))
    assert response.status_code == 200
    data = response.json()
    image = ArticleImage.objects.get(pk=data["id"])
    assert (image.width, image.height) == (1600, 900)
    assert data["url"] == image.file.url
    with image.file.open("rb") as fh, Image.open(fh) as stored:
        assert stored.format == "JPEG"
        exif = stored.getexif()
        assert 0x8825 not in exif and 0x010F not in exif  # no GPS, no camera make
    image.refresh_from_db()
    assert sorted(image.renditions) == ["1280.jpg", "1280.webp", "640.jpg", "640.webp"]
    for key, name in image.renditions.items():
        width, fmt = key.split(".")
        with default_storage.open(name) as fh, Image.open(fh) as copy:
            assert copy.width == int(width)
            assert copy.format == {"jpg": "JPEG", "webp": "WEBP"}[fmt]
            assert not copy.getexif()


def test_small_image_is_not_enlarged(client, creator, django_capture_on_commit_callbacks):
    client.force_login(creator.user)
    with django_capture_on_commit_callbacks(execute=True):
        data = post_image(client, png_bytes(500, 300), "small.png", "image/png").json()
    image = ArticleImage.objects.get(pk=data["id"])
    with default_storage.open(image.renditions["1280.webp"]) as fh, Image.open(fh) as copy:
        assert copy.size == (500, 300)


def test_corrupt_image_is_rejected(client, creator):
    client.force_login(creator.user)
    broken = jpeg_bytes()[:400]
    response = post_image(client, broken)
    assert response.status_code == 400
    assert "它可能已损坏或不是图片" in response.json()["error"]
    assert not ArticleImage.objects.exists()


def test_30_mb_image_is_rejected(client, creator):
    client.force_login(creator.user)
    big = jpeg_bytes(64, 64) + b"\0" * (30 * 1024 * 1024)
    response = post_image(client, big)
    assert response.status_code == 400
    assert response.json()["error"] == "图片太大（30 MB），请上传不超过 10 MB 的图片。"
    assert not ArticleImage.objects.exists()


def test_svg_with_script_is_rejected_whatever_its_name(client, creator):
    client.force_login(creator.user)
    for name, ctype in (("evil.svg", "image/svg+xml"), ("innocent.jpg", "image/jpeg")):
        response = post_image(client, SVG_WITH_SCRIPT, name, ctype)
        assert response.status_code == 400
        assert "请上传 JPEG、PNG、WebP 或 GIF 图片" in response.json()["error"]
    assert not ArticleImage.objects.exists()


def test_png_named_jpg_is_typed_by_content(client, creator):
    client.force_login(creator.user)
    data = post_image(client, png_bytes(), "really-a-png.jpg").json()
    assert ArticleImage.objects.get(pk=data["id"]).file.name.endswith(".png")


def test_upload_page_without_javascript(client, creator):
    client.force_login(creator.user)
    response = client.post(reverse("studio:upload"), {"image": upload(SVG_WITH_SCRIPT, "x.svg")})
    assert response.status_code == 400
    assert "请上传 JPEG、PNG、WebP 或 GIF 图片" in response.content.decode()
    response = client.post(reverse("studio:upload"), {"image": upload(jpeg_bytes(), "x.jpg")})
    image = ArticleImage.objects.get()
    assert image.file.url in response.content.decode()


def test_readers_cannot_upload(client, reader):
    client.force_login(reader)
    response = post_image(client, jpeg_bytes())
    assert response.status_code == 302
    assert not ArticleImage.objects.exists()


def test_cover_upload_and_alt_required_for_publishing(client, trusted_creator, channel):
    from .test_studio import article_data

    client.force_login(trusted_creator.user)
    bad = client.post(
        reverse("studio:new"),
        article_data(channel, cover=upload(SVG_WITH_SCRIPT, "cover.png", "image/png")),
    )
    assert bad.status_code == 400
    assert "请上传 JPEG、PNG、WebP 或 GIF 图片" in bad.content.decode()
    client.post(
        reverse("studio:new"),
        article_data(channel, cover=upload(jpeg_bytes(1400, 800, exif_gps=True), "c.jpg")),
    )
    article = Article.objects.get()
    assert article.cover.name.startswith("images/")
    with article.cover.open("rb") as fh, Image.open(io.BytesIO(fh.read())) as cover:
        assert 0x8825 not in cover.getexif()
    response = client.post(reverse("studio:publish", args=[article.pk]), follow=True)
    assert "请填写封面图片说明（替代文字）。" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    client.post(
        reverse("studio:edit", args=[article.pk]),
        article_data(channel, cover_alt="起跑线上的人群", action="publish"),
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.cover_alt == "起跑线上的人群"


def test_article_page_serves_renditions(
    client, trusted_creator, channel, django_capture_on_commit_callbacks
):
    from openhao.articles.services import article_create, article_submit

    client.force_login(trusted_creator.user)
    with django_capture_on_commit_callbacks(execute=True):
        data = post_image(client, jpeg_bytes(1600, 900)).json()
    image = ArticleImage.objects.get(pk=data["id"])
    article = article_create(
        creator=trusted_creator,
        channel=channel,
        title="带响应式图片的文章",
        body_html=(
            "<p>正文第一段，足够长的文字用来通过字数检查。</p>"
            f'<figure><img src="{data["url"]}" alt="江边"><figcaption>江边</figcaption></figure>'
            '<p><img src="https://example.com/outside.jpg" alt="外链图片"></p>'
        ),
    )
    article_submit(article=article)
    html = client.get(article.get_absolute_url()).content.decode()
    webp = ", ".join(
        f"{default_storage.url(image.renditions[f'{w}.webp'])} {w}w" for w in (640, 1280)
    )
    jpg = ", ".join(
        f"{default_storage.url(image.renditions[f'{w}.jpg'])} {w}w" for w in (640, 1280)
    )
    assert f'<picture><source type="image/webp" srcset="{webp}"' in html
    assert f'srcset="{jpg}"' in html
    assert 'width="1600" height="900"' in html
    assert 'alt="江边"' in html
    # Images from elsewhere are left alone.
    assert html.count("<picture>") == 1
    # The stored body is unchanged: renditions are added when the page is rendered.
    article.refresh_from_db()
    assert "srcset" not in article.body_html
