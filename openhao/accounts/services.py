"""Writes to accounts. Sign-up, sign-in and passwords are django-allauth's; this is the profile."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
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
from openhao.common.content import content_check
from openhao.common.images import ImageRejected, decode_upload

from . import hooks
from .models import AccessToken, User

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
    # The word lists (common.content): a block-word refuses, replace-words are masked; a
    # review-word is recorded for the operators (a name cannot wait hidden).
    verdict = content_check(
        texts={"nickname": nickname.strip(), "motto": motto.strip()}, kind="profile", user=user
    )
    user.nickname = verdict.texts["nickname"]
    user.motto = verdict.texts["motto"]
    fields = ["nickname", "motto"]
    if avatar is not None:
        user.avatar.save(avatar.name, avatar, save=False)
        fields.append("avatar")
    elif clear_avatar and user.avatar:
        user.avatar = ""
        fields.append("avatar")
    user.save(update_fields=fields)
    verdict.saved(user)
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
    user.access_tokens.all().delete()
    user.groups.clear()
    user.user_permissions.clear()
    return user


# --- Personal access tokens (the JSON API: openhao.api, docs/api.md) --------------------------

TOKEN_PREFIX = "oh_"  # noqa: S105 (a marker, not a secret)
TOKENS_PER_USER = 20
# last_used_at is written at most this often per token: a busy client costs no write per call.
TOKEN_TOUCH_SECONDS = 60


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, scopes) -> tuple[AccessToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is never stored
    and so can be shown only now. ValidationError for a missing name, no or unknown scopes, or
    too many live tokens."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请给令牌起个名字。"), code="name")
    if len(name) > 40:
        raise ValidationError(_("名称最多 40 个字。"), code="name")
    chosen = [s for s in AccessToken.SCOPES if s in set(scopes or ())]
    if not chosen or set(scopes) - set(AccessToken.SCOPES):
        raise ValidationError(_("请至少选择一项有效的权限。"), code="scopes")
    live = AccessToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if live.count() >= TOKENS_PER_USER:
        raise ValidationError(
            _("最多可以有 %(n)d 个令牌，请先撤销不用的。") % {"n": TOKENS_PER_USER}, code="too_many"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, key_hash=token_hash(raw), prefix=raw[:10], scopes=" ".join(chosen)
    )
    return token, raw


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False when there is no such live token."""
    return bool(
        AccessToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def token_resolve(raw: str) -> AccessToken | None:
    """The live token ``raw`` names (with its active, not erased user), or None. Records the
    use, at most once a minute per token."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or token.user.deleted_at is not None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - timedelta(
        seconds=TOKEN_TOUCH_SECONDS
    ):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(*, user: User) -> list[AccessToken]:
    """The live tokens of ``user``, newest first (token_user_idx), for the profile page."""
    return list(
        AccessToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
    )
