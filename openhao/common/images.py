"""Decoding untrusted images and keeping nothing of them but their pixels.

Shared by every upload path (studio images and covers, 申请入驻 avatars, profile avatars).

- The type is what Pillow finds in the bytes, never the file name or the browser's word.
- The size in pixels is checked from the header, before anything is decoded, against the
  caller's limit. Pillow's own decompression-bomb guard fires earlier for huge headers
  (``DecompressionBombError``, or its warning, which the test settings turn into an error):
  both are the same refusal as ours, never a 500.
- Re-encoding keeps pixels only. Every metadata segment is dropped: EXIF (GPS position, camera
  serial), XMP, JPEG comments (COM), Photoshop/IPTC (APP13), PNG text chunks, and anything
  after the image data. Pillow copies some of them (JPEG comments) from the decoded image into
  the file it writes unless ``info`` is emptied, which is why ``pixels_only`` empties it.
- An ICC colour profile is applied, not kept: the pixels are converted to sRGB (what browsers
  assume for an untagged image) and the profile is dropped, so a Display P3 or Adobe RGB photo
  keeps its colours and the file carries no profile. A profile that cannot be read is ignored
  (the pixels are kept as they are).
- The EXIF orientation is applied first, so the picture still stands the right way up.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

_SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(Exception):
    """Why an upload is not an acceptable image: ``code`` is "type" (not one of the allowed
    formats), "pixels" (too many pixels) or "invalid" (not an image, or a broken one)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def decode_upload(data: bytes, *, formats: set[str], max_pixels: int) -> tuple[Image.Image, str]:
    """The first frame of ``data`` as a clean image (see ``pixels_only``) and its format, or
    ImageRejected."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in formats:
                raise ImageRejected("type")
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageRejected("pixels")
            probe.verify()
        # verify() leaves the image unusable; decode again.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return pixels_only(ImageOps.exif_transpose(image)), fmt
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected("invalid") from None


def pixels_only(image: Image.Image) -> Image.Image:
    """A copy of ``image`` in sRGB with an empty ``info``: whatever it is saved as carries no
    metadata from the source. Palette and single-colour transparency become an alpha channel
    (they live in ``info`` too)."""
    if image.mode in ("P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
    profile = image.info.get("icc_profile")
    if profile:
        image = _to_srgb(image, profile)
    clean = image.copy()
    clean.info = {}
    return clean


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


# --- Uploads of articles and 申请入驻: their limits, formats and messages ----------------------
# (profile avatars have their own, in accounts.services)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


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
