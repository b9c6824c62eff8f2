"""分享海报: one image per article for WeChat Moments and Weibo, drawn on the server with Pillow.

The poster is a 1080 px wide JPEG: the cover (or a background generated from the article's
channel), the title, the summary, the creator's avatar (or an initial-letter disc) and name, the
publishing time in Beijing time, the site's name and a QR code of the article's canonical URL.
JPEG rather than PNG because most covers are photographs: a PNG of the same poster is several
times larger (docs/posters.md has the figures), and both networks re-encode what they receive
anyway. Quality 90 with 4:4:4 chroma keeps the edges of coloured text and of the QR modules
clean; the QR test decodes the JPEG, not a PNG.

Rendering costs a few hundred milliseconds, so the bytes are cached as a fragment under the
article's and the creator's tags (``poster_jpeg``): an edit, an unpublish or a profile change
bumps a tag and the next request draws a new poster; every other request is a cache read. Care
mode (关怀版) is a separate entry with larger type.

Text is set in Noto Sans CJK SC from the ``manimgx-fonts-cjk`` wheel (SIL OFL 1.1), never a
system font, so a fresh machine draws the same poster. Lines wrap by measured width, CJK and
Latin mixed (a Latin word is kept whole unless it alone is wider than the line), closing
punctuation never starts a line, and a text longer than its lines ends in an ellipsis.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import manimgx_fonts_cjk
import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from openhao.common.cache import article_tag, creator_tag, fragment

from .models import Article
from .share import absolute_url, article_url

WIDTH = 1080
# Bump when the layout changes: every cached poster is then drawn again.
LAYOUT_VERSION = 1
CACHE_SECONDS = 7 * 86400
JPEG_QUALITY = 90
BEIJING = ZoneInfo("Asia/Shanghai")

FONT_PATH = Path(manimgx_fonts_cjk.__file__).parent / "NotoSansCJK-VF.otf.ttc"
# The collection's faces: JP, KR, SC, TC, HK. SC has the Simplified Chinese glyph forms.
FONT_INDEX_SC = 2

ACCENT = (196, 48, 43)  # --accent in site.css
TEXT = (26, 26, 26)
MUTED = (95, 99, 104)
FOOTER_BG = (246, 246, 247)
WHITE = (255, 255, 255)
ELLIPSIS = "…"
# 避头尾: characters that may not begin a line (closing brackets and punctuation).
NO_LINE_START = set("，。、；：？！）》」』】〉”’…—·,.;:?!)]}%")
# Generated backgrounds: two-stop gradients, picked by channel so one channel's posters match.
BACKGROUNDS = [
    ((196, 48, 43), (236, 120, 72)),
    ((24, 92, 156), (72, 164, 206)),
    ((32, 122, 96), (118, 186, 120)),
    ((108, 62, 148), (196, 112, 170)),
    ((178, 112, 24), (232, 180, 72)),
    ((48, 62, 84), (110, 130, 158)),
]


@dataclass(frozen=True)
class Style:
    """Sizes of one variant. Care mode sets everything larger, after the MIIT rules' 1.25×+."""

    title_size: int
    title_lines: int
    summary_size: int
    summary_lines: int
    name_size: int
    meta_size: int
    avatar: int
    site_size: int
    hint_size: int
    qr: int


NORMAL = Style(
    title_size=60,
    title_lines=3,
    summary_size=36,
    summary_lines=3,
    name_size=36,
    meta_size=30,
    avatar=96,
    site_size=46,
    hint_size=30,
    qr=232,
)
CARE = Style(
    title_size=76,
    title_lines=4,
    summary_size=46,
    summary_lines=3,
    name_size=46,
    meta_size=38,
    avatar=116,
    site_size=56,
    hint_size=38,
    qr=272,
)
MARGIN = 72
COVER_HEIGHT = 608  # 16:9 at the full width
# White around the QR code: the four modules of quiet zone the QR standard asks for.
QR_QUIET = 32


@dataclass(frozen=True)
class PosterData:
    """What a poster shows, read from the article before anything is drawn."""

    article_id: int
    title: str
    summary: str
    channel: str
    channel_id: int
    creator_name: str
    avatar: object  # a FieldFile, possibly empty
    cover: object
    published_at: datetime | None
    url: str
    site_name: str


def poster_data(article: Article) -> PosterData:
    return PosterData(
        article_id=article.pk,
        title=article.title,
        summary=article.summary,
        channel=article.channel.name,
        channel_id=article.channel_id,
        creator_name=article.creator.display_name,
        avatar=article.creator.avatar,
        cover=article.cover,
        published_at=article.published_at,
        url=article_url(article),
        site_name=settings.OPENHAO_SITE_NAME,
    )


def poster_cache_key(article_id: int, *, care: bool) -> str:
    # The site's name and address are drawn into the image: a change of either is a new key.
    config = f"{LAYOUT_VERSION}|{settings.OPENHAO_SITE_NAME}|{settings.OPENHAO_BASE_URL}"
    digest = hashlib.sha256(config.encode()).hexdigest()[:12]
    return f"poster:{article_id}:care{int(care)}:{digest}"


def poster_jpeg(article: Article, *, care: bool) -> bytes:
    """The poster's JPEG bytes, drawn once per article, variant and tag version."""
    return fragment(
        poster_cache_key(article.pk, care=care),
        [article_tag(article.pk), creator_tag(article.creator_id)],
        lambda: render_poster(poster_data(article), care=care),
        timeout=CACHE_SECONDS,
    )


@dataclass(frozen=True)
class PosterImage:
    """What the poster page says about the image: where it is, its size and its alt text."""

    url: str
    width: int
    height: int
    file_name: str
    alt: str
    weibo: str


def poster_image(article: Article, *, care: bool) -> PosterImage:
    data = poster_data(article)
    path = poster_path(article.pk, care=care)
    published = _beijing_time(data.published_at)
    alt = _("分享海报：%(title)s。%(summary)s作者 %(creator)s，%(time)s发布；附本文二维码。") % {
        "title": data.title,
        "summary": f"{data.summary} " if data.summary else "",
        "creator": data.creator_name,
        "time": f"{published} " if published else "",
    }
    # Weibo's share page takes a picture URL (pic) beside the link and title.
    weibo = "https://service.weibo.com/share/share.php?" + urlencode(
        {"url": data.url, "title": data.title, "pic": absolute_url(path)}
    )
    return PosterImage(
        url=path,
        width=WIDTH,
        height=layout(data, care=care).height,
        file_name=file_name(article.pk, care=care),
        alt=alt,
        weibo=weibo,
    )


def poster_path(article_id: int, *, care: bool) -> str:
    name = "articles:poster-image-care" if care else "articles:poster-image"
    return reverse(name, args=[article_id])


def file_name(article_id: int, *, care: bool) -> str:
    """The name a download is saved under."""
    return f"openhao-poster-{article_id}{'-care' if care else ''}.jpg"


def jpeg_etag(jpeg: bytes) -> str:
    return hashlib.md5(jpeg, usedforsecurity=False).hexdigest()


# --- fonts and text ------------------------------------------------------------------------


@lru_cache(maxsize=32)
def font(size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC at ``size`` px in a named weight of the variable font. One object per
    size and weight: setting the variation changes the object."""
    face = ImageFont.truetype(str(FONT_PATH), size, index=FONT_INDEX_SC)
    face.set_variation_by_name(weight)
    return face


_WORD = r"[A-Za-z0-9][A-Za-z0-9'’\-_.@#&+/]*"
_TOKEN = re.compile(rf"{_WORD}|\s+|.", re.S)
_LAST_UNIT = re.compile(rf"{_WORD}$|.$", re.S)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines no wider than ``width`` px.

    CJK characters break anywhere, Latin words and numbers at spaces (or by character when a
    word alone is too wide); a closing punctuation mark takes the character before it to the
    next line rather than start one. The last line ends in an ellipsis when text is left."""
    text = " ".join(text.split())
    lines: list[str] = []
    current = ""

    def fits(candidate: str) -> bool:
        return face.getlength(candidate) <= width

    def push(token: str) -> None:
        nonlocal current
        if token.isspace():
            if current and fits(current + " "):
                current += " "
            elif current:
                lines.append(current.rstrip())
                current = ""
            return
        if fits(current + token):
            current += token
            return
        if not fits(token):  # a word wider than the line: break it by character
            for char in token:
                push(char)
            return
        if token[0] in NO_LINE_START:
            # The mark takes the character (or Latin word) before it along.
            current = current.rstrip()
            last = _LAST_UNIT.search(current)
            if last and last.start() > 0:
                token, current = current[last.start() :] + token, current[: last.start()]
        if current.strip():
            lines.append(current.rstrip())
        current = token

    for token in _TOKEN.findall(text):
        push(token)
        if len(lines) > max_lines:
            break
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and not fits(last + ELLIPSIS):
        last = last[:-1]
    kept[-1] = last.rstrip(" ，、。,.;；：:") + ELLIPSIS
    return kept


def line_height(face: ImageFont.FreeTypeFont, factor: float) -> int:
    return round(face.size * factor)


# --- pictures ------------------------------------------------------------------------------


def _open_image(field) -> Image.Image | None:
    """The picture in an image field, or None when it is empty, missing or unreadable (the
    poster then draws its generated stand-in rather than fail)."""
    if not field:
        return None
    try:
        with field.storage.open(field.name, "rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            image.draft("RGB", (WIDTH, COVER_HEIGHT))  # JPEG: decode at a smaller scale
            image = ImageOps.exif_transpose(image)
            return image.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _gradient(size: tuple[int, int], start, end) -> Image.Image:
    """A diagonal gradient from ``start`` (top left) to ``end`` (bottom right)."""
    across = Image.linear_gradient("L").rotate(90).resize(size)  # 255 at the left edge
    down = Image.linear_gradient("L").resize(size)  # 255 at the bottom
    mask = ImageChops.add(ImageChops.invert(across), down, scale=2)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _generated_cover(data: PosterData, style: Style) -> Image.Image:
    """The cover of an article without one: a gradient in the channel's colours with soft
    circles and the channel's name, large and translucent."""
    start, end = BACKGROUNDS[data.channel_id % len(BACKGROUNDS)]
    image = _gradient((WIDTH, COVER_HEIGHT), start, end).convert("RGBA")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.ellipse((700, -180, 1260, 380), fill=(255, 255, 255, 34))
    draw.ellipse((-160, 360, 340, 860), fill=(255, 255, 255, 26))
    draw.ellipse((820, 420, 980, 580), fill=(255, 255, 255, 40))
    if data.channel:
        face = font(220, "Black")
        draw.text(
            (MARGIN, COVER_HEIGHT - 80),
            data.channel,
            font=face,
            anchor="ls",
            fill=(255, 255, 255, 72),
        )
    mark = font(40, "Bold")
    draw.text(
        (MARGIN, 80), f"{data.site_name}号", font=mark, anchor="ls", fill=(255, 255, 255, 220)
    )
    return Image.alpha_composite(image, layer).convert("RGB")


def _cover(data: PosterData, style: Style) -> Image.Image:
    picture = _open_image(data.cover)
    if picture is None:
        return _generated_cover(data, style)
    return ImageOps.fit(picture, (WIDTH, COVER_HEIGHT), Image.Resampling.LANCZOS)


def _avatar(data: PosterData, size: int) -> Image.Image:
    """The creator's avatar in a circle, or the first character of their name on a disc."""
    scale = 4  # drawn larger and reduced: smooth edges without an antialiased ellipse
    big = size * scale
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    picture = _open_image(data.avatar)
    if picture is not None:
        disc = ImageOps.fit(picture, (big, big), Image.Resampling.LANCZOS)
    else:
        disc = Image.new("RGB", (big, big), (251, 233, 231))
        initial = data.creator_name[:1] or "?"
        ImageDraw.Draw(disc).text(
            (big / 2, big / 2), initial, font=font(int(big * 0.5), "Bold"), anchor="mm", fill=ACCENT
        )
    disc.putalpha(mask)
    return disc.resize((size, size), Image.Resampling.LANCZOS)


def _qr(url: str, size: int) -> Image.Image:
    """The QR code of ``url``, ``size`` px or a little less, drawn module by module so every
    module is a whole number of pixels (a resized QR code blurs and scans worse)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    box = max(1, size // modules)
    image = Image.new("L", (modules, modules), 255)
    image.putdata([0 if cell else 255 for row in matrix for cell in row])
    return image.resize((modules * box, modules * box), Image.Resampling.NEAREST).convert("RGB")


def _beijing_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, BEIJING).strftime("%Y-%m-%d %H:%M")


# --- layout --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The poster's lines and height, measured before anything is drawn."""

    style: Style
    title_lines: list[str]
    summary_lines: list[str]
    title_step: int
    summary_step: int
    height: int


def layout(data: PosterData, *, care: bool = False) -> Layout:
    """Where the text goes: cheap (font measurement only), so the poster page can give the
    image its height without drawing it."""
    style = CARE if care else NORMAL
    text_width = WIDTH - 2 * MARGIN
    title_face = font(style.title_size, "Bold")
    title_lines = wrap(data.title, title_face, text_width, style.title_lines)
    summary_face = font(style.summary_size, "Regular")
    summary_lines = (
        wrap(data.summary, summary_face, text_width, style.summary_lines) if data.summary else []
    )
    title_step = line_height(title_face, 1.38)
    summary_step = line_height(summary_face, 1.6)
    title_block = title_step * len(title_lines)
    summary_block = summary_step * len(summary_lines) + (32 if summary_lines else 0)
    creator_block = style.avatar + 56
    height = CONTENT_TOP + title_block + summary_block + 48 + creator_block + _footer(style)
    return Layout(style, title_lines, summary_lines, title_step, summary_step, height)


CONTENT_TOP = COVER_HEIGHT + 64


def _footer(style: Style) -> int:
    return style.qr + 2 * QR_QUIET + 2 * 40


def render_poster(data: PosterData, *, care: bool = False) -> bytes:
    """Draw the poster and return its JPEG bytes."""
    plan = layout(data, care=care)
    style, height = plan.style, plan.height
    title_face = font(style.title_size, "Bold")
    summary_face = font(style.summary_size, "Regular")
    name_face = font(style.name_size, "Bold")
    meta_face = font(style.meta_size, "Regular")
    title_lines, summary_lines = plan.title_lines, plan.summary_lines
    title_step, summary_step = plan.title_step, plan.summary_step
    qr_panel = style.qr + 2 * QR_QUIET
    footer_height = _footer(style)
    content_top = CONTENT_TOP

    poster = Image.new("RGB", (WIDTH, height), WHITE)
    poster.paste(_cover(data, style), (0, 0))
    draw = ImageDraw.Draw(poster)

    y = content_top
    for line in title_lines:
        # Baseline at about 78 % of the line: CJK glyphs sit centred in the line box.
        draw.text(
            (MARGIN, y + round(title_step * 0.78)), line, font=title_face, anchor="ls", fill=TEXT
        )
        y += title_step
    if summary_lines:
        y += 32
        for line in summary_lines:
            draw.text(
                (MARGIN, y + round(summary_step * 0.74)),
                line,
                font=summary_face,
                anchor="ls",
                fill=MUTED,
            )
            y += summary_step

    y += 48
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=(232, 232, 234), width=2)
    y += 28
    avatar = _avatar(data, style.avatar)
    poster.paste(avatar, (MARGIN, y), avatar)
    name_x = MARGIN + style.avatar + 28
    published = _beijing_time(data.published_at)
    # Name and time as one block centred on the avatar.
    name_step, meta_step = round(style.name_size * 1.3), round(style.meta_size * 1.3)
    block = name_step + (meta_step if published else 0)
    top = y + (style.avatar - block) // 2
    name = wrap(data.creator_name, name_face, WIDTH - MARGIN - name_x, 1)[0]
    draw.text((name_x, top + round(name_step * 0.8)), name, font=name_face, anchor="ls", fill=TEXT)
    if published:
        draw.text(
            (name_x, top + name_step + round(meta_step * 0.8)),
            f"{published} 发布",
            font=meta_face,
            anchor="ls",
            fill=MUTED,
        )

    footer_top = height - footer_height
    draw.rectangle((0, footer_top, WIDTH, height), fill=FOOTER_BG)
    draw.rectangle((0, footer_top, WIDTH, footer_top + 6), fill=ACCENT)
    qr_x = WIDTH - MARGIN - qr_panel
    qr_y = footer_top + (footer_height - qr_panel) // 2
    draw.rounded_rectangle((qr_x, qr_y, qr_x + qr_panel, qr_y + qr_panel), radius=16, fill=WHITE)
    code = _qr(data.url, style.qr)
    poster.paste(code, (qr_x + (qr_panel - code.width) // 2, qr_y + (qr_panel - code.height) // 2))

    site_face = font(style.site_size, "Bold")
    hint_face = font(style.hint_size, "Regular")
    left_width = qr_x - MARGIN - 32
    text_top = footer_top + footer_height // 2
    site = wrap(f"{data.site_name}号", site_face, left_width, 1)[0]
    draw.text((MARGIN, text_top - 16), site, font=site_face, anchor="ls", fill=ACCENT)
    hints = wrap("长按识别二维码 阅读全文", hint_face, left_width, 2)
    hint_y = text_top + 24 + style.hint_size
    for line in hints:
        draw.text((MARGIN, hint_y), line, font=hint_face, anchor="ls", fill=MUTED)
        hint_y += line_height(hint_face, 1.5)

    buffer = io.BytesIO()
    poster.save(
        buffer, format="JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True, progressive=True
    )
    return buffer.getvalue()
