"""Checking and cleaning uploaded images for articles and 申请入驻: the limits, messages and
formats of these uploads. Decoding and dropping everything but the pixels (EXIF, XMP, comments,
ICC profiles converted to sRGB, anything smuggled after the image data) is
``openhao.common.images``, shared with the profile avatar.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image

from openhao.common.images import ImageRejected, decode_upload, pixels_only

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}
RENDITION_WIDTHS = (640, 1280)


def _human_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def validate_image_upload(upload) -> ContentFile:
    """Return a cleaned copy of ``upload`` or raise ValidationError with a Chinese message."""
    limit = settings.OPENHAO_IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("图片太大（%(size)s），请上传不超过 %(limit)s 的图片。")
            % {"size": _human_mb(upload.size), "limit": _human_mb(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("图片太大，请上传不超过 %(limit)s 的图片。") % {"limit": _human_mb(limit)}
        )
    try:
        image, fmt = decode_upload(
            data, formats=set(ALLOWED_FORMATS), max_pixels=settings.OPENHAO_IMAGE_MAX_PIXELS
        )
    except ImageRejected as exc:
        raise ValidationError(_MESSAGES[exc.code]) from None
    return _encode(image, fmt)


_MESSAGES = {
    "type": _lazy("不支持的图片格式，请上传 JPEG、PNG、WebP 或 GIF 图片。"),
    "pixels": _lazy("图片尺寸过大，请缩小后再上传。"),
    "invalid": _lazy(
        "无法识别这个文件，它可能已损坏或不是图片。请上传 JPEG、PNG、WebP 或 GIF 图片。"
    ),
}


def _encode(image: Image.Image, fmt: str) -> ContentFile:
    ext = ALLOWED_FORMATS[fmt]
    out = io.BytesIO()
    if ext == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif ext == "webp":
        image.save(out, "WEBP", quality=88)
    else:
        # PNG keeps transparency; an animated GIF keeps its first frame only.
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    cleaned = ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")
    cleaned.image_size = image.size
    return cleaned


def rendition_bytes(source: bytes, width: int, fmt: str) -> tuple[bytes, tuple[int, int]]:
    """A copy at most ``width`` pixels wide, as WebP or JPEG."""
    with Image.open(io.BytesIO(source)) as opened:
        opened.load()
        # The source was cleaned on upload; files stored before every segment was dropped
        # (JPEG comments survived) get clean renditions all the same.
        image = pixels_only(opened)
        if image.width > width:
            height = round(image.height * width / image.width)
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if fmt == "webp":
            image.save(out, "WEBP", quality=82)
        else:
            image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
        return out.getvalue(), image.size
