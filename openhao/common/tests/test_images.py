"""Re-encoding drops every metadata segment and applies the ICC profile (to sRGB), on every
upload path: studio images and covers, 申请入驻 avatars (validate_image_upload) and profile
avatars (avatar_normalise)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from openhao.accounts.services import avatar_normalise
from openhao.articles.images import rendition_bytes
from openhao.common.images import validate_image_upload

from .images import (
    SECRET,
    header_only_png,
    jpeg_markers,
    jpeg_with_metadata,
    png_chunks,
    png_with_metadata,
    webp_chunks,
    webp_with_metadata,
)

# What an encoder writes for the pixels alone.
JPEG_PLAIN = {"APP0", "DQT", "SOF0", "SOF2", "DHT", "DRI"}
PNG_PLAIN = {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}
WEBP_PLAIN = {"VP8 ", "VP8L", "VP8X", "ALPH"}


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _is_green(pixel) -> bool:
    """The samples are pure red under a profile that swaps red and green: green in sRGB."""
    r, g, b = pixel[:3]
    return g > 200 and r < 60 and b < 60


def _no_secret(data: bytes) -> None:
    assert SECRET.encode() not in data
    assert b"ns.adobe.com/xap" not in data and b"Photoshop" not in data
    assert b"ICC_PROFILE" not in data and b"Exif" not in data


def test_a_jpeg_keeps_its_pixels_and_nothing_else():
    source = jpeg_with_metadata()
    assert {"COM", "APP1", "APP2", "APP13"} <= set(jpeg_markers(source))  # the sample has them
    cleaned = validate_image_upload(_upload(source, "a.jpg")).read()
    assert set(jpeg_markers(cleaned)) <= JPEG_PLAIN
    _no_secret(cleaned)
    assert cleaned.rstrip(b"\x00").endswith(b"\xff\xd9")  # nothing after the image
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif() and "icc_profile" not in image.info
        assert _is_green(image.getpixel((10, 10)))


def test_a_png_keeps_its_pixels_and_alpha_and_nothing_else():
    source = png_with_metadata()
    assert {"iCCP", "iTXt", "eXIf"} <= set(png_chunks(source))
    cleaned = validate_image_upload(_upload(source, "a.png")).read()
    assert set(png_chunks(cleaned)) <= PNG_PLAIN
    _no_secret(cleaned)
    with Image.open(io.BytesIO(cleaned)) as image:
        pixel = image.getpixel((10, 10))
        assert _is_green(pixel) and pixel[3] == 200


def test_a_webp_keeps_its_pixels_and_nothing_else():
    source = webp_with_metadata()
    assert {"ICCP", "EXIF", "XMP "} <= set(webp_chunks(source))
    cleaned = validate_image_upload(_upload(source, "a.webp")).read()
    assert set(webp_chunks(cleaned)) <= WEBP_PLAIN
    _no_secret(cleaned)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert _is_green(image.convert("RGB").getpixel((10, 10)))


@pytest.mark.parametrize("make", [jpeg_with_metadata, png_with_metadata, webp_with_metadata])
def test_a_profile_avatar_keeps_its_pixels_and_nothing_else(make, settings):
    cleaned = avatar_normalise(_upload(make(), "me.img")).read()
    assert set(png_chunks(cleaned)) <= PNG_PLAIN
    _no_secret(cleaned)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert _is_green(image.getpixel((10, 10)))


@pytest.mark.parametrize("fmt", ["jpg", "webp"])
def test_renditions_carry_no_metadata_even_from_an_unclean_source(fmt):
    """Files stored before the re-encode dropped everything still get clean renditions."""
    data, _size = rendition_bytes(jpeg_with_metadata((800, 600)), 640, fmt)
    _no_secret(data)
    if fmt == "jpg":
        assert set(jpeg_markers(data)) <= JPEG_PLAIN
    else:
        assert set(webp_chunks(data)) <= WEBP_PLAIN


@pytest.mark.parametrize("side", [100_000, 13_000])
def test_decompression_bombs_are_refused_on_every_path(side):
    """100000 x 100000 trips Pillow's DecompressionBombError; 13000 x 13000 its warning (an
    error under the test settings, a log line in production): both are refusals, never 500s."""
    bomb = header_only_png(side, side)
    with pytest.raises(ValidationError) as studio:
        validate_image_upload(_upload(bomb, "bomb.png"))
    assert "尺寸过大" in studio.value.messages[0]
    with pytest.raises(ValidationError) as avatar:
        avatar_normalise(_upload(bomb, "bomb.png"))
    assert "尺寸过大" in avatar.value.messages[0]
