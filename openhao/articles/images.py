"""Renditions of uploaded article images: the widths the pages ask for and the bytes of each
copy (``renditions.py`` builds the ``<picture>`` markup from them). Uploads are checked and
cleaned before they get here, by ``openhao.common.images.validate_image_upload``."""

from __future__ import annotations

import io

from PIL import Image

from openhao.common.images import pixels_only

RENDITION_WIDTHS = (640, 1280)


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
