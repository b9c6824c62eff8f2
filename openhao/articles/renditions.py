"""Responsive images for article bodies.

Bodies store the plain ``<img src>`` of the uploaded (cleaned) original. When the page is
rendered, images uploaded through the studio get a ``<picture>`` with the WebP renditions and a
JPEG ``srcset``, so phones download the 640-pixel copy. The markup is built here from our own
records after sanitising, so the sanitiser never has to allow ``srcset`` from user input.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.html import escape

from .models import ArticleImage

_IMG_RE = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"[^>]*>')
SIZES = "(max-width: 760px) 100vw, 760px"


def _srcset(image: ArticleImage, ext: str) -> str:
    seen, parts = set(), []
    entries = sorted(
        (int(key.split(".")[0]), key.split(".")[1], name) for key, name in image.renditions.items()
    )
    for width, kind, name in entries:
        width = min(width, image.width or width)  # never enlarged
        if kind != ext or width in seen:
            continue
        seen.add(width)
        parts.append(f"{escape(default_storage.url(name))} {width}w")
    return ", ".join(parts)


def _media_bases() -> tuple[str, ...]:
    """The URL prefixes of stored media: MEDIA_URL, and where the storage itself says files
    are (an S3-compatible bucket or its CDN host: docs/deployment.md)."""
    probe = "images/probe.jpg"
    url = default_storage.url(probe)
    base = url[: -len(probe)] if url.endswith(probe) else settings.MEDIA_URL
    return tuple(dict.fromkeys((settings.MEDIA_URL, base)))


def _stored_name(src: str, bases: tuple[str, ...]) -> str | None:
    for base in bases:
        if src.startswith(base + "images/"):
            return src[len(base) :]
    return None


def body_with_renditions(html: str) -> str:
    bases = _media_bases()
    names = {
        name for src in _IMG_RE.findall(html) if (name := _stored_name(src, bases)) is not None
    }
    if not names:
        return html
    images = {
        img.file.name: img
        for img in ArticleImage.objects.filter(file__in=names).only(
            "file", "renditions", "width", "height"
        )
        if img.renditions
    }
    if not images:
        return html

    def replace(match: re.Match) -> str:
        tag, src = match.group(0), match.group(1)
        name = _stored_name(src, bases)
        image = images.get(name) if name is not None else None
        if image is None:
            return tag
        extra = f' srcset="{_srcset(image, "jpg")}" sizes="{SIZES}"'
        if " width=" not in tag and image.width:
            extra += f' width="{image.width}" height="{image.height}"'
        img = tag[:-1].rstrip("/ ") + extra + ">"
        webp = _srcset(image, "webp")
        return f'<picture><source type="image/webp" srcset="{webp}" sizes="{SIZES}">{img}</picture>'

    return _IMG_RE.sub(replace, html)
