"""Writes to creators: profiles, 申请入驻 applications and their review. Each function is one
transaction; every staff decision leaves an append-only ReviewRecord."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.engagement.services import notification_for_application

from .models import Badge, Creator, CreatorApplication, ReviewRecord
from .permissions import require_staff

logger = logging.getLogger(__name__)


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
    display_name = display_name.strip()
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
    return application


def _lock_pending(application: CreatorApplication) -> CreatorApplication:
    application = CreatorApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != CreatorApplication.Status.PENDING:
        raise ValidationError(_("该申请已经审核过了。"))
    return application


@transaction.atomic
def application_approve(*, application: CreatorApplication, staff) -> Creator:
    """Approve: the applicant gets a creator profile, and with it the studio."""
    require_staff(staff)
    application = _lock_pending(application)
    if Creator.objects.filter(display_name__iexact=application.display_name).exists():
        raise ValidationError(_("号名称已被其他创作者使用，请驳回并说明原因。"))
    creator = creator_create(
        user=application.user,
        display_name=application.display_name,
        motto=application.motto,
        bio=application.intro,
        avatar=application.avatar.name if application.avatar else "",
        main_channel=application.channel,
    )
    application.status = CreatorApplication.Status.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = staff
    application.save(update_fields=["status", "decided_at", "decided_by"])
    ReviewRecord.objects.create(
        application=application, decision=ReviewRecord.Decision.APPROVE, staff=staff
    )
    transaction.on_commit(lambda: applicant_notify(application=application))
    return creator


@transaction.atomic
def application_reject(
    *, application: CreatorApplication, staff, reason: str
) -> CreatorApplication:
    require_staff(staff)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("驳回时请填写原因。"))
    application = _lock_pending(application)
    application.status = CreatorApplication.Status.REJECTED
    application.reason = reason
    application.decided_at = timezone.now()
    application.decided_by = staff
    application.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    ReviewRecord.objects.create(
        application=application,
        decision=ReviewRecord.Decision.REJECT,
        reason=reason,
        staff=staff,
    )
    transaction.on_commit(lambda: applicant_notify(application=application))
    return application


def applicant_notify(*, application: CreatorApplication) -> None:
    """Tell the applicant about a decision: a 通知 in the site (unread badge) and an e-mail when
    the account has an address; the status page shows it too."""
    user = application.user
    notification_for_application(application=application)
    if not user.email:
        return
    status_url = settings.OPENHAO_BASE_URL + reverse("creators:apply_status")
    if application.status == CreatorApplication.Status.APPROVED:
        subject = _("【%(site)s号】入驻申请已通过") % {"site": settings.OPENHAO_SITE_NAME}
        body = _("恭喜！你的号“%(name)s”已开通，现在可以进入创作者中心发表文章：%(url)s") % {
            "name": application.display_name,
            "url": settings.OPENHAO_BASE_URL + reverse("studio:home"),
        }
    else:
        subject = _("【%(site)s号】入驻申请未通过") % {"site": settings.OPENHAO_SITE_NAME}
        body = _("你的入驻申请未通过，原因：%(reason)s\n修改后可以重新申请：%(url)s") % {
            "reason": application.reason,
            "url": status_url,
        }
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # a mail outage must not undo a committed decision
        logger.exception("could not e-mail applicant %s", user.pk)
