"""Operator actions on content and accounts: 举报 from readers, then dismiss, remove (下架),
label, warn, suspend, restore, and appeals (申诉) against them.

Each action is one transaction that checks the actor's permission, changes the item through
its own app's service (``articles.services.article_remove``, ``engagement.services.
comment_moderation_set``...), writes one append-only ``ModerationAction`` row with the item's
state before and after, the 信用分 deduction (``CreditEvent``) for the rule cited, and closes
the item's open reports; the notices (author, reporters) are written in the same transaction.
Nothing is deleted: a restore, or a granted appeal, puts back exactly what ``before`` says,
for the items that ``after`` says the action changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles import services as article_services
from openhao.articles.models import Article, ModerationLabel
from openhao.creators.models import Creator
from openhao.engagement import services as engagement_services
from openhao.engagement.models import Comment, Notification

from . import credit
from .models import Appeal, CreditEvent, ModerationAction, Report, Suspension, Target
from .permissions import DECIDE_APPEAL, REVIEW, require

Kind = ModerationAction.Kind

# What an author may appeal: the actions that took something from them.
APPEALABLE = {Kind.REMOVE, Kind.LABEL, Kind.WARN, Kind.SUSPEND}


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """The thing a report or an action is about, loaded: its type, id, object and author."""

    type: str
    id: int
    obj: object
    author_id: int | None

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


def item_get(target_type: str, target_id: int) -> Item:
    """The item, or ValidationError when it does not exist (a stale form)."""
    try:
        if target_type == Target.ARTICLE:
            obj = Article.objects.select_related("creator").get(pk=target_id)
            return Item(target_type, obj.pk, obj, obj.creator.user_id)
        if target_type == Target.COMMENT:
            obj = Comment.objects.select_related("article").get(pk=target_id)
            return Item(target_type, obj.pk, obj, obj.user_id)
        if target_type == Target.CREATOR:
            obj = Creator.objects.get(pk=target_id)
            return Item(target_type, obj.pk, obj, obj.user_id)
        if target_type == Target.USER:
            obj = get_user_model().objects.get(pk=target_id)
            return Item(target_type, obj.pk, obj, obj.pk)
    except (Article.DoesNotExist, Comment.DoesNotExist, Creator.DoesNotExist):
        pass
    except get_user_model().DoesNotExist:
        pass
    raise ValidationError(_("举报或处置的对象不存在。"), code="no_target")


def _item_reportable(item: Item) -> bool:
    """Readers report what they can see."""
    if item.type == Target.ARTICLE:
        return item.obj.is_public
    if item.type == Target.COMMENT:
        return item.obj.is_shown and item.obj.article.is_public
    return item.type == Target.CREATOR and item.obj.user.deleted_at is None


# --- 举报 -------------------------------------------------------------------------------------


def report_create(*, reporter, target_type: str, target_id: int, reason: str, text: str = ""):
    """举报: once per reader and item (the report_once constraint decides, also under
    concurrency). Returns (report, created). ValidationError for an unknown reason, 其他
    without a text, one's own content, or an item readers cannot see."""
    if target_type not in (Target.ARTICLE, Target.COMMENT, Target.CREATOR):
        raise ValidationError(_("不能举报这项内容。"), code="target")
    if reason not in Report.Reason.values:
        raise ValidationError(_("请选择举报原因。"), code="reason")
    text = (text or "").strip()[:500]
    if reason == Report.Reason.OTHER and not text:
        raise ValidationError(_("选择“其他”时请说明举报理由。"), code="text")
    item = item_get(target_type, target_id)
    if item.author_id == reporter.pk:
        raise ValidationError(_("不能举报自己的内容。"), code="self")
    existing = Report.objects.filter(
        reporter=reporter, target_type=target_type, target_id=item.id
    ).first()
    if existing is not None:
        return existing, False
    if not _item_reportable(item):
        raise ValidationError(_("该内容已不可见，无需举报。"), code="gone")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                target_type=target_type,
                target_id=item.id,
                reason=reason,
                text=text,
            )
    except IntegrityError:  # the same reader, a concurrent request
        return Report.objects.get(
            reporter=reporter, target_type=target_type, target_id=item.id
        ), False
    return report, True


def reported(*, user, target_type: str, target_id: int) -> bool:
    return bool(
        user.is_authenticated
        and Report.objects.filter(
            reporter=user, target_type=target_type, target_id=target_id
        ).exists()
    )


# --- the action row and its consequences ------------------------------------------------------


def _notify(user_id, kind: str, message: str, link: str = "") -> None:
    if user_id is not None:
        engagement_services.notification_for_moderation(
            user_id=user_id, kind=kind, message=message, link=link
        )


def _record(
    *,
    actor,
    kind,
    item: Item,
    rule="",
    reason="",
    evidence="",
    before=None,
    after=None,
    reverts=None,
    deduct=True,
) -> ModerationAction:
    if rule and rule not in credit.RULES:
        raise ValidationError(_("请选择依据的规则。"), code="rule")
    points = credit.rule_points(rule) if (rule and deduct) else 0
    action = ModerationAction.objects.create(
        actor=actor,
        kind=kind,
        target_type=item.type,
        target_id=item.id,
        subject_user_id=item.author_id,
        rule=rule,
        reason=reason.strip()[:500],
        evidence=evidence.strip(),
        before=before or {},
        after=after or {},
        credit_points=points,
        reverts=reverts,
    )
    if points and item.author_id is not None:
        CreditEvent.objects.create(
            user_id=item.author_id,
            points=points,
            rule=rule,
            action=action,
            created_at=action.created_at,
        )
    return action


def _close_reports(item: Item, action: ModerationAction, status: str) -> int:
    """The item's open reports are decided by ``action``; each reporter hears the outcome."""
    reports = list(
        Report.objects.select_for_update().filter(
            target_type=item.type, target_id=item.id, status=Report.Status.OPEN
        )
    )
    if not reports:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=status, action=action, decided_at=action.created_at
    )
    if status == Report.Status.ACTIONED:
        message = _("你举报的%(what)s经核实违反社区规范，已处理（%(kind)s）。感谢你的举报。") % {
            "what": Target(item.type).label,
            "kind": action.get_kind_display(),
        }
    else:
        message = _("你举报的%(what)s经核实未发现违规，暂不处理。感谢你的举报。") % {
            "what": Target(item.type).label
        }
    for report in reports:
        _notify(report.reporter_id, Notification.Kind.REPORT, message)
    return len(reports)


def action_url(action: ModerationAction) -> str:
    """Where the author reads an action and appeals it."""
    return reverse("moderation:my-action", args=[action.pk])


def _notify_author(action: ModerationAction) -> None:
    what = Target(action.target_type).label
    message = _("你的%(what)s被%(kind)s，依据：%(rule)s。%(reason)s") % {
        "what": what,
        "kind": action.get_kind_display(),
        "rule": credit.RULES[action.rule].label if action.rule else _("社区规范"),
        "reason": action.reason,
    }
    _notify(action.subject_user_id, Notification.Kind.MODERATION, message, action_url(action))


def _act(*, item: Item, **record) -> ModerationAction:
    """An action taken on an item: its audit row (and credit), the item's open reports closed
    as actioned, the author told."""
    action = _record(item=item, **record)
    _close_reports(item, action, Report.Status.ACTIONED)
    _notify_author(action)
    return action


def _comment_state_set(comment_id: int, state: str) -> bool:
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return False
    return engagement_services.comment_moderation_set(comment=comment, state=state)


# --- actions ----------------------------------------------------------------------------------


@transaction.atomic
def action_dismiss(
    *, actor, target_type: str, target_id: int, reason: str = ""
) -> ModerationAction:
    """No violation found: the item's open reports close, reporters are told."""
    require(actor, REVIEW)
    item = item_get(target_type, target_id)
    action = _record(actor=actor, kind=Kind.DISMISS, item=item, reason=reason)
    _close_reports(item, action, Report.Status.DISMISSED)
    return action


@transaction.atomic
def action_remove(
    *, actor, target_type: str, target_id: int, rule: str, reason: str, evidence: str = ""
) -> ModerationAction:
    """下架: an article leaves public view (status removed, its URL answers 404), a comment
    shows as removed (``Comment.State.REMOVED``: the row and its text stay). The reason is
    shown to the author; the rule deducts its points."""
    require(actor, REVIEW)
    if not reason.strip():
        raise ValidationError(_("请填写处置理由（作者可见）。"), code="reason")
    item = item_get(target_type, target_id)
    if item.type == Target.ARTICLE:
        before = {"status": item.obj.status}
        if item.obj.status == Article.Status.REMOVED:
            raise ValidationError(_("这篇文章已经下架了。"), code="done")
        article_services.article_remove(article=item.obj)
        after = {"status": Article.Status.REMOVED}
    elif item.type == Target.COMMENT:
        before = {"moderation_state": item.obj.moderation_state}
        if item.obj.moderation_state == Comment.State.REMOVED:
            raise ValidationError(_("这条跟贴已经移除了。"), code="done")
        engagement_services.comment_moderation_set(comment=item.obj, state=Comment.State.REMOVED)
        after = {"moderation_state": Comment.State.REMOVED}
    else:
        raise ValidationError(
            _("创作者不能下架：请警告或封禁其账号，或下架具体内容。"), code="target"
        )
    return _act(
        actor=actor,
        kind=Kind.REMOVE,
        item=item,
        rule=rule,
        reason=reason,
        evidence=evidence,
        before=before,
        after=after,
    )


@transaction.atomic
def action_label(
    *, actor, article_id: int, label: str, url: str, rule: str, reason: str, evidence: str = ""
) -> ModerationAction:
    """Label an article 谣言 or 存在争议 with a link to the correction or 辟谣 article; the
    label shows above the article body."""
    require(actor, REVIEW)
    if label not in ModerationLabel.values:
        raise ValidationError(_("请选择标注。"), code="label")
    url = url.strip()
    if not (url.startswith("/") or url.startswith("https://") or url.startswith("http://")):
        raise ValidationError(_("请填写辟谣或更正文章的链接。"), code="url")
    item = item_get(Target.ARTICLE, article_id)
    before = {
        "moderation_label": item.obj.moderation_label,
        "moderation_label_url": item.obj.moderation_label_url,
    }
    article_services.article_label_set(article=item.obj, label=label, url=url)
    after = {"moderation_label": label, "moderation_label_url": url}
    return _act(
        actor=actor,
        kind=Kind.LABEL,
        item=item,
        rule=rule,
        reason=reason,
        evidence=evidence,
        before=before,
        after=after,
    )


@transaction.atomic
def action_warn(
    *, actor, target_type: str, target_id: int, rule: str, reason: str, evidence: str = ""
) -> ModerationAction:
    """警告: nothing changes on the item; the author is told and the rule deducts its points."""
    require(actor, REVIEW)
    if not reason.strip():
        raise ValidationError(_("请填写处置理由（作者可见）。"), code="reason")
    item = item_get(target_type, target_id)
    return _act(actor=actor, kind=Kind.WARN, item=item, rule=rule, reason=reason, evidence=evidence)


@transaction.atomic
def action_suspend(
    *,
    actor,
    user_id: int,
    days: int | None,
    hide_comments: bool,
    rule: str,
    reason: str,
    evidence: str = "",
    report_target: tuple[str, int] | None = None,
) -> ModerationAction:
    """封禁: the account may write nothing (comments, articles, profile: ``write_check``) for
    ``days`` days, or permanently (None). With ``hide_comments`` its shown comments are
    removed too (listed in ``after``, so a restore brings exactly those back). The open
    reports of ``report_target`` (the item that led here), if any, close as actioned."""
    require(actor, REVIEW)
    if not reason.strip():
        raise ValidationError(_("请填写处置理由（作者可见）。"), code="reason")
    if days is not None and days < 1:
        raise ValidationError(_("封禁天数至少为 1 天。"), code="days")
    item = item_get(Target.USER, user_id)
    if item.obj.pk == actor.pk:
        raise PermissionDenied(_("不能封禁自己。"))
    now = timezone.now()
    until = now + timedelta(days=days) if days is not None else None
    hidden = []
    if hide_comments:
        for comment in Comment.objects.filter(Comment.shown_q(), user_id=user_id).only("pk"):
            if engagement_services.comment_moderation_set(
                comment=comment, state=Comment.State.REMOVED
            ):
                hidden.append(comment.pk)
    action = _record(
        actor=actor,
        kind=Kind.SUSPEND,
        item=item,
        rule=rule,
        reason=reason,
        evidence=evidence,
        before={"suspended": False},
        after={
            "suspended": True,
            "until": until.isoformat() if until else None,
            "hidden_comments": hidden,
        },
    )
    Suspension.objects.create(
        user_id=user_id, action=action, until=until, hide_comments=hide_comments
    )
    if report_target is not None:
        _close_reports(item_get(*report_target), action, Report.Status.ACTIONED)
    _notify_author(action)
    return action


def _undo(action: ModerationAction) -> dict:
    """Put back what ``action`` changed (its ``before``), for what is still as the action left
    it; returns the state after the undo (the new row's ``after``). The caller records the
    undo and refunds the credit (``_refund``)."""
    restored: dict = {}
    if action.kind == Kind.REMOVE and action.target_type == Target.ARTICLE:
        article = Article.objects.filter(pk=action.target_id).first()
        if article is not None:
            article = article_services.article_reinstate(
                article=article, status=action.before["status"]
            )
            restored["status"] = article.status
    elif action.kind == Kind.REMOVE and action.target_type == Target.COMMENT:
        comment = Comment.objects.filter(pk=action.target_id).first()
        if comment is not None and comment.moderation_state == action.after["moderation_state"]:
            engagement_services.comment_moderation_set(
                comment=comment, state=action.before["moderation_state"]
            )
        restored["moderation_state"] = action.before["moderation_state"]
    elif action.kind == Kind.LABEL:
        article = Article.objects.filter(pk=action.target_id).first()
        if article is not None and article.moderation_label == action.after["moderation_label"]:
            article_services.article_label_set(
                article=article,
                label=action.before["moderation_label"],
                url=action.before["moderation_label_url"],
            )
        restored.update(action.before)
    elif action.kind == Kind.SUSPEND:
        Suspension.objects.filter(action=action, lifted_at__isnull=True).update(
            lifted_at=timezone.now()
        )
        back = []
        for pk in action.after.get("hidden_comments", []):
            comment = Comment.objects.filter(pk=pk, moderation_state=Comment.State.REMOVED).first()
            if comment is not None and engagement_services.comment_moderation_set(
                comment=comment, state=Comment.State.VISIBLE
            ):
                back.append(pk)
        restored = {"suspended": False, "restored_comments": back}
    return restored


def _refund(action: ModerationAction, undo: ModerationAction) -> None:
    """The credit ``action`` took comes back, recorded against ``undo`` (the restore or the
    granted appeal)."""
    if action.credit_points and action.subject_user_id is not None:
        CreditEvent.objects.create(
            user_id=action.subject_user_id,
            points=-action.credit_points,
            rule=action.rule,
            action=undo,
            created_at=undo.created_at,
        )


def _lock_undoable(action: ModerationAction) -> ModerationAction:
    action = ModerationAction.objects.select_for_update().get(pk=action.pk)
    if action.kind not in APPEALABLE:
        raise ValidationError(_("这项处置不能撤销。"), code="kind")
    if ModerationAction.objects.filter(
        reverts=action, kind__in=[Kind.RESTORE, Kind.APPEAL_GRANT]
    ).exists():
        raise ValidationError(_("这项处置已经撤销了。"), code="done")
    return action


def _item_of(action: ModerationAction) -> Item:
    return Item(action.target_type, action.target_id, None, action.subject_user_id)


@transaction.atomic
def action_restore(*, actor, action: ModerationAction, reason: str) -> ModerationAction:
    """恢复: an operator undoes an earlier action (a mistake, new facts)."""
    require(actor, REVIEW)
    if not reason.strip():
        raise ValidationError(_("请填写恢复理由。"), code="reason")
    action = _lock_undoable(action)
    after = _undo(action)
    restore = _record(
        actor=actor,
        kind=Kind.RESTORE,
        item=_item_of(action),
        rule=action.rule,
        reason=reason,
        before=action.after,
        after=after,
        reverts=action,
        deduct=False,
    )
    _refund(action, restore)
    Appeal.objects.filter(action=action, status=Appeal.Status.PENDING).update(
        status=Appeal.Status.GRANTED, decision=restore
    )
    _notify(
        action.subject_user_id,
        Notification.Kind.MODERATION,
        _("你的%(what)s已恢复。%(reason)s")
        % {"what": Target(action.target_type).label, "reason": reason},
        action_url(action),
    )
    return restore


# --- 申诉 -------------------------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, user, action: ModerationAction, text: str) -> Appeal:
    """申诉: the author contests an action on their content, once per action."""
    text = (text or "").strip()
    if action.subject_user_id != user.pk:
        raise PermissionDenied(_("只能申诉针对自己内容的处置。"))
    if action.kind not in APPEALABLE:
        raise ValidationError(_("这项处置不能申诉。"), code="kind")
    if not text:
        raise ValidationError(_("请写明申诉理由。"), code="text")
    if ModerationAction.objects.filter(reverts=action).exists():
        raise ValidationError(_("这项处置已经撤销了。"), code="done")
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, user=user, text=text[:1000])
    except IntegrityError:
        raise ValidationError(_("每项处置只能申诉一次。"), code="once") from None


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, grant: bool, reason: str) -> ModerationAction:
    """An operator with DECIDE_APPEAL, never the one who acted, decides: a granted appeal
    restores what the action hid (from its before/after) and gives the credit back."""
    require(actor, DECIDE_APPEAL)
    appeal = Appeal.objects.select_for_update().select_related("action").get(pk=appeal.pk)
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError(_("该申诉已经裁决过了。"), code="done")
    action = appeal.action
    if action.actor_id == actor.pk:
        raise PermissionDenied(_("申诉须由作出处置以外的运营人员裁决。"))
    if not reason.strip():
        raise ValidationError(_("请填写裁决理由。"), code="reason")
    if grant:
        action = _lock_undoable(action)
        after = _undo(action)
        decision = _record(
            actor=actor,
            kind=Kind.APPEAL_GRANT,
            item=_item_of(action),
            rule=action.rule,
            reason=reason,
            evidence=appeal.text,
            before=action.after,
            after=after,
            reverts=action,
            deduct=False,
        )
        _refund(action, decision)
        message = _("你的申诉成立，处置已撤销，内容已恢复，信用分已返还。%(reason)s")
    else:
        decision = _record(
            actor=actor,
            kind=Kind.APPEAL_REJECT,
            item=_item_of(action),
            rule=action.rule,
            reason=reason,
            evidence=appeal.text,
            reverts=action,
            deduct=False,
        )
        message = _("你的申诉未获支持，处置维持。%(reason)s")
    appeal.status = Appeal.Status.GRANTED if grant else Appeal.Status.REJECTED
    appeal.decision = decision
    appeal.save(update_fields=["status", "decision"])
    _notify(
        action.subject_user_id,
        Notification.Kind.APPEAL,
        message % {"reason": reason},
        action_url(action),
    )
    return decision


# --- rights: suspension and 信用分 --------------------------------------------------------------


def suspension_active(user_id: int, now: datetime | None = None) -> Suspension | None:
    now = now or timezone.now()
    return (
        Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True)
        .exclude(until__lte=now)
        .order_by("until")
        .first()
    )


def credit_score(user_id: int, now: datetime | None = None) -> int:
    events = CreditEvent.objects.filter(user_id=user_id).values_list("created_at", "points")
    return credit.score(events, now or timezone.now())


RIGHT_MESSAGES = {
    "publish": _("你的信用分为 %(score)d，低于 %(min)d 分，暂不能发布文章。"),
    "original": _("你的信用分为 %(score)d，低于 %(min)d 分，暂不能声明原创。"),
}


def write_check(*, user, what: str) -> None:
    """accounts.hooks.write_check: a suspended account writes nothing; below a threshold the
    right goes (publishing, 原创声明)."""
    if user is None or not getattr(user, "pk", None):
        return
    suspension = suspension_active(user.pk)
    if suspension is not None:
        if suspension.until is None:
            raise ValidationError(_("你的账号已被永久封禁，不能发布或修改内容。"), code="suspended")
        raise ValidationError(
            _("你的账号已被封禁至 %(until)s，期间不能发布或修改内容。")
            % {"until": timezone.localtime(suspension.until).strftime("%Y-%m-%d %H:%M:%S")},
            code="suspended",
        )
    if what in RIGHT_MESSAGES:
        score = credit_score(user.pk)
        if not credit.allowed(score, what):
            raise ValidationError(
                RIGHT_MESSAGES[what] % {"score": score, "min": credit.thresholds()[what]},
                code="credit",
            )
