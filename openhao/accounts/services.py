"""Writes to accounts. Sign-up, sign-in and passwords are django-allauth's; this is the profile."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .models import User

AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Refuse decompression bombs before Pillow allocates them.
AVATAR_MAX_PIXELS = 40_000_000


def avatar_normalise(upload) -> ContentFile:
    """Check an uploaded avatar (size, real image type) and re-encode it as a square PNG of at
    most OPENHAO_AVATAR_SIZE px. Re-encoding drops metadata (EXIF location) and anything that is
    not pixels, so a file that only claims to be an image is never served back."""
    if upload.size > settings.OPENHAO_AVATAR_MAX_BYTES:
        limit = settings.OPENHAO_AVATAR_MAX_BYTES // 1024
        raise ValidationError(_("头像文件不能超过 %(kb)s KB。") % {"kb": limit}, code="too_big")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in AVATAR_FORMATS:
                raise ValidationError(_("头像只支持 JPEG、PNG、WebP 或 GIF 图片。"), code="type")
            if width * height > AVATAR_MAX_PIXELS:
                raise ValidationError(_("图片尺寸过大。"), code="pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.seek(0)
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("无法识别的图片文件。"), code="invalid") from exc
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    target = settings.OPENHAO_AVATAR_SIZE
    if side > target:
        image = image.resize((target, target), Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{get_random_string(16).lower()}.png")


@transaction.atomic
def profile_update(
    *,
    user: User,
    nickname: str,
    motto: str,
    avatar: ContentFile | None = None,
    clear_avatar: bool = False,
) -> User:
    """Save the editable profile. ``avatar`` is the output of ``avatar_normalise`` or None
    (unchanged)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.nickname = nickname.strip()
    user.motto = motto.strip()
    fields = ["nickname", "motto"]
    if avatar is not None:
        user.avatar.save(avatar.name, avatar, save=False)
        fields.append("avatar")
    elif clear_avatar and user.avatar:
        user.avatar = ""
        fields.append("avatar")
    user.save(update_fields=fields)
    return user
