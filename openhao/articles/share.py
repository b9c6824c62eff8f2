"""The 分享至 menu: outbound share links and the WeChat QR code (rendered on the server)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from qrcode.image.pil import PilImage

from .models import Article


def absolute_url(path: str) -> str:
    return f"{settings.OPENHAO_BASE_URL}{path}"


def article_url(article: Article) -> str:
    return absolute_url(article.get_absolute_url())


@dataclass(frozen=True)
class ShareLinks:
    url: str
    weibo: str
    qq: str
    qzone: str


def share_links(article: Article) -> ShareLinks:
    url = article_url(article)
    return ShareLinks(
        url=url,
        weibo="https://service.weibo.com/share/share.php?"
        + urlencode({"url": url, "title": article.title}),
        qq="https://connect.qq.com/widget/shareqq/index.html?"
        + urlencode({"url": url, "title": article.title, "summary": article.summary}),
        qzone="https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?"
        + urlencode({"url": url, "title": article.title}),
    )


def qr_png(data: str) -> bytes:
    """A PNG QR code of ``data``; medium error correction survives a phone camera's blur."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=6,
        border=2,
        image_factory=PilImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
