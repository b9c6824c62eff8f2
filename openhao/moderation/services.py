"""Staff decisions. Each one is an action: the permission check, then the write and its
append-only ReviewRecord in one transaction (``staff_action``), so there is never a decision
without its audit row, nor an audit row for a decision that did not happen. Whatever the
decision tells the person concerned goes out after the commit.

The writes to the subject itself (an article going out, an application becoming a creator)
belong to the subject's app; a decision here calls them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles import services as article_services
from openhao.articles.models import Article
from openhao.creators.models import Creator, CreatorApplication
from openhao.creators.services import creator_create
from openhao.engagement.services import notification_for_application

from . import content, selectors
from .models import ReviewRecord
from .permissions import require_staff

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def staff_action(decision: Callable[P, R]) -> Callable[P, R]:
    """Make ``decision`` (called with ``staff=``) an action: refused with PermissionDenied for
    anyone who is not active staff, otherwise run in one transaction."""

    @wraps(decision)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        require_staff(kwargs.get("staff"))
        with transaction.atomic():
            return decision(*args, **kwargs)

    return run


def _reason_required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("驳回时请填写原因。"))
    return reason


# --- 入驻申请 -----------------------------------------------------------------------------------


def _lock_pending(application: CreatorApplication) -> CreatorApplication:
    application = CreatorApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != CreatorApplication.Status.PENDING:
        raise ValidationError(_("该申请已经审核过了。"))
    return application


def _application_close(application: CreatorApplication, staff, status: str, reason: str = ""):
    application.status = status
    application.reason = reason or application.reason
    application.decided_at = timezone.now()
    application.decided_by = staff
    application.save(update_fields=["status", "reason", "decided_at", "decided_by"])


@staff_action
def application_approve(*, application: CreatorApplication, staff) -> Creator:
    """Approve: the applicant gets a creator profile, and with it the studio."""
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
    _application_close(application, staff, CreatorApplication.Status.APPROVED)
    ReviewRecord.objects.create(
        application=application, decision=ReviewRecord.Decision.APPROVE, staff=staff
    )
    transaction.on_commit(lambda: applicant_notify(application=application))
    return creator


@staff_action
def application_reject(
    *, application: CreatorApplication, staff, reason: str
) -> CreatorApplication:
    reason = _reason_required(reason)
    application = _lock_pending(application)
    _application_close(application, staff, CreatorApplication.Status.REJECTED, reason)
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


# --- 先审后发 -----------------------------------------------------------------------------------


@staff_action
def article_approve(*, article: Article, staff) -> Article:
    """Staff pass a pending article (it goes out now or at the time the creator chose) or the
    pending edit of a published one (it replaces the public version now)."""
    article, revision = article_services.article_review_lock(article)
    first_approval = revision is None and selectors.article_first_approval(article)
    ReviewRecord.objects.create(
        article=article, revision=revision, decision=ReviewRecord.Decision.APPROVE, staff=staff
    )
    content.article_holds_close(article_id=article.pk)
    return article_services.article_review_pass(
        article=article, revision=revision, first_approval=first_approval
    )


@staff_action
def article_reject(*, article: Article, staff, reason: str) -> Article:
    """Staff send a pending article back to its creator's drafts with a reason, or discard the
    pending edit of a published article (which stays as it is) with a reason."""
    reason = _reason_required(reason)
    article, revision = article_services.article_review_lock(article)
    ReviewRecord.objects.create(
        article=article,
        revision=revision,
        decision=ReviewRecord.Decision.REJECT,
        reason=reason,
        staff=staff,
    )
    content.article_holds_close(article_id=article.pk)
    return article_services.article_review_send_back(
        article=article, revision=revision, reason=reason
    )
