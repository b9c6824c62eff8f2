"""Writes to accounts. Sign-up, sign-in and passwords are django-allauth's; this is the profile."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image

from openhao.common.cache import bump_tags, creator_tag
from openhao.common.images import ImageRejected, decode_upload

from . import hooks
from .models import User

AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Refuse decompression bombs before Pillow allocates them.
AVATAR_MAX_PIXELS = 40_000_000

_AVATAR_MESSAGES = {
    "type": _lazy("头像只支持 JPEG、PNG、WebP 或 GIF 图片。"),
    "pixels": _lazy("图片尺寸过大，请换一张较小的图片。"),
    "invalid": _lazy("无法识别的图片文件。"),
}


def avatar_normalise(upload) -> ContentFile:
    """Check an uploaded avatar (size, real image type) and re-encode it as a square PNG of at
    most OPENHAO_AVATAR_SIZE px. Decoding is openhao.common.images': only the pixels are kept
    (no EXIF location, XMP, comment or ICC profile; colours converted to sRGB), so a file that
    only claims to be an image is never served back."""
    if upload.size > settings.OPENHAO_AVATAR_MAX_BYTES:
        limit = settings.OPENHAO_AVATAR_MAX_BYTES // 1024
        raise ValidationError(_("头像文件不能超过 %(kb)s KB。") % {"kb": limit}, code="too_big")
    upload.seek(0)
    try:
        image, _fmt = decode_upload(
            upload.read(settings.OPENHAO_AVATAR_MAX_BYTES + 1),
            formats=AVATAR_FORMATS,
            max_pixels=AVATAR_MAX_PIXELS,
        )
    except ImageRejected as exc:
        raise ValidationError(_AVATAR_MESSAGES[exc.code], code=exc.code) from None
    image = image.convert("RGBA")
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
    hooks.write_check.run(user=user, what="profile")
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


def ip_region_record(*, user: User, region: str) -> bool:
    """Store the region of the address ``user`` last wrote from (IP属地). It is shown on the
    cached creator page and author card, so their tag is bumped when it changes."""
    changed = User.objects.filter(pk=user.pk).exclude(ip_region=region).update(ip_region=region)
    user.ip_region = region
    if changed:
        creator_id = User.objects.filter(pk=user.pk).values_list("creator__id", flat=True).first()
        if creator_id:
            transaction.on_commit(lambda: bump_tags(creator_tag(creator_id)))
    return bool(changed)


def reading_history_pause(*, user: User, paused: bool) -> None:
    """暂停记录阅读历史 (or resume): while paused, reads go to no history (ranking.history)."""
    User.objects.filter(pk=user.pk).update(history_paused=paused)
    user.history_paused = paused


@transaction.atomic
def account_anonymise(*, user: User) -> User:
    """The accounts part of 注销 (privacy.services.account_erase): the row stays as a tombstone
    author ("用户已注销") with no personal data — no e-mail, name, avatar, motto or region —
    no password (which also ends every session: Django ties sessions to the password hash),
    no e-mail addresses (allauth's, with their confirmation keys) and no groups."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.avatar:
        user.avatar.delete(save=False)
    user.username = f"deleted-{user.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.nickname = user.motto = user.ip_region = ""
    user.avatar = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.history_paused = False
    user.history_cleared_at = None
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.emailaddress_set.all().delete()
    user.groups.clear()
    user.user_permissions.clear()
    return user
