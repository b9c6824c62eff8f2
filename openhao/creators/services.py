"""Writes to creators: profiles and 申请入驻 applications. Each function is one transaction.
Staff decisions about applications are in ``openhao.moderation.services``."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openhao.common.cache import LISTS_TAG, bump_tags, creator_tag
from openhao.common.content import content_check

from .models import Badge, Creator, CreatorApplication


@transaction.atomic
def creator_create(
    *,
    display_name: str,
    username: str = "",
    user=None,
    motto: str = "",
    bio: str = "",
    verified: bool = False,
    avatar="",
    badges: Sequence[Badge] = (),
    main_channel=None,
) -> Creator:
    """A creator profile for ``user``, or for a new account named ``username`` (demo loader)."""
    if user is None:
        user = get_user_model().objects.create_user(username=username, nickname=display_name)
    creator = Creator.objects.create(
        user=user,
        display_name=display_name,
        motto=motto,
        bio=bio,
        verified=verified,
        avatar=avatar,
        main_channel=main_channel,
    )
    if badges:
        creator.badges.set(badges)
    return creator


def display_name_taken(name: str, *, exclude_user=None) -> bool:
    """Taken by a creator or held by someone else's open application."""
    if Creator.objects.filter(display_name__iexact=name).exists():
        return True
    pending = CreatorApplication.objects.filter(
        display_name__iexact=name, status=CreatorApplication.Status.PENDING
    )
    if exclude_user is not None:
        pending = pending.exclude(user=exclude_user)
    return pending.exists()


@transaction.atomic
def application_submit(
    *,
    user,
    display_name: str,
    motto: str,
    channel,
    intro: str,
    links: str = "",
    avatar=None,
    real_name_confirmed: bool,
    rules_accepted: bool,
) -> CreatorApplication:
    if hasattr(user, "creator"):
        raise ValidationError(_("你已经是创作者，无需再次申请。"))
    if CreatorApplication.objects.filter(
        user=user, status=CreatorApplication.Status.PENDING
    ).exists():
        raise ValidationError(_("你的申请正在审核中，请耐心等待结果。"))
    if not (real_name_confirmed and rules_accepted):
        raise ValidationError(_("请确认实名信息并同意平台内容规范。"))
    # The word lists (common.content): a block-word refuses, replace-words are masked; a
    # review-word is recorded for the operators (the application is reviewed anyway).
    verdict = content_check(
        texts={
            "display_name": display_name.strip(),
            "motto": motto.strip(),
            "intro": intro.strip(),
            "links": links.strip(),
        },
        kind="application",
        user=user,
    )
    display_name, motto, intro, links = (
        verdict.texts[f] for f in ("display_name", "motto", "intro", "links")
    )
    if display_name_taken(display_name, exclude_user=user):
        raise ValidationError(_("这个号名称已被使用，请换一个。"))
    application = CreatorApplication(
        user=user,
        display_name=display_name,
        motto=motto.strip(),
        channel=channel,
        intro=intro.strip(),
        links=links.strip(),
        real_name_confirmed=True,
        rules_accepted=True,
    )
    if avatar:
        application.avatar = avatar
    application.full_clean(exclude=["avatar"])
    application.save()
    verdict.saved(application)
    return application


@transaction.atomic
def creator_anonymise(*, creator: Creator) -> Creator:
    """The creators part of 注销: the profile is shown as 已注销作者 (numbered, since names are
    unique), without avatar, motto or bio. Articles kept are shown under that name."""
    creator = Creator.objects.select_for_update().get(pk=creator.pk)
    if creator.avatar:
        creator.avatar.delete(save=False)
    creator.display_name = f"{_('已注销作者')}{creator.pk}"[:20]
    creator.avatar = ""
    creator.motto = creator.bio = ""
    creator.verified = False
    creator.save()
    creator.badges.clear()
    # The name stands on the creator page, the author card and every list.
    transaction.on_commit(lambda: bump_tags(creator_tag(creator.pk), LISTS_TAG))
    return creator


def applications_erase(*, user) -> int:
    """The 申请入驻 of an erased account keep the staff decision (moderation.ReviewRecord
    refers to them) but lose what the applicant wrote."""
    for application in CreatorApplication.objects.filter(user=user).exclude(avatar=""):
        application.avatar.delete(save=False)
    return CreatorApplication.objects.filter(user=user).update(
        display_name="", avatar="", motto="", intro="", links="", real_name_confirmed=False
    )
