"""举报 (readers), the operators' queue and actions under /manage/, and the author's side
(/me/moderation/: the actions on their content, 申诉, 信用分). Thin: parse, call ``actions``
or ``selectors``, answer. Every answer is private (``never_cache``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openhao.common import ratelimit
from openhao.common.params import parse_id

from . import actions, credit, queue, selectors
from .forms import ActionForm, AppealForm, BulkForm, DecideForm, ReasonForm, ReportForm
from .models import Appeal, ModerationAction, Target
from .permissions import DECIDE_APPEAL, REVIEW, has, permission_required

REPORTABLE = (Target.ARTICLE, Target.COMMENT, Target.CREATOR)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back_url(item: actions.Item) -> str:
    if item.type == Target.ARTICLE:
        return item.obj.get_absolute_url()
    if item.type == Target.COMMENT:
        return reverse("engagement:comments", args=[item.obj.article_id]) + f"#comment-{item.id}"
    if item.type == Target.CREATOR:
        return reverse("articles:creator", args=[item.id])
    return "/"


# --- 举报 -------------------------------------------------------------------------------------


def _item_or_404(target_type: str, pk: int) -> actions.Item:
    try:
        return actions.item_get(target_type, pk)
    except ValidationError:
        raise Http404("no such item") from None


@never_cache
@require_safe
def report_state(request, pk, target_type):
    """The 举报 control for a cached page (loaded by htmx): a link to the form, or 已举报."""
    context = {
        "target_type": target_type,
        "pk": pk,
        "reported": actions.reported(user=request.user, target_type=target_type, target_id=pk),
    }
    return TemplateResponse(request, "moderation/report_state.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, pk, target_type):
    """GET: the 举报 form (a page, or the form alone for htmx). POST: report once."""
    item = _item_or_404(target_type, pk)
    if not request.user.is_authenticated:
        return redirect(f"{settings.LOGIN_URL}?next={request.path}")
    form = ReportForm(request.POST or None)
    already = actions.reported(user=request.user, target_type=target_type, target_id=item.id)
    status = 200
    if request.method == "POST" and not already:
        if not ratelimit.allow(request, "report"):
            return ratelimit.too_many(request)
        if form.is_valid():
            try:
                actions.report_create(
                    reporter=request.user,
                    target_type=target_type,
                    target_id=item.id,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                already = True
                if not _is_htmx(request):
                    messages.success(
                        request, _("举报已提交，我们会尽快核实处理，结果将通过通知告诉你。")
                    )
                    return redirect(request.path)
        else:
            status = 400
    context = {
        "item": item,
        "target_type": target_type,
        "target_label": Target(target_type).label,
        "pk": item.id,
        "form": form,
        "reported": already,
        "back_url": _back_url(item),
    }
    template = "moderation/report_form.html" if _is_htmx(request) else "moderation/report_page.html"
    return TemplateResponse(request, template, context, status=status)


# --- the queue ---------------------------------------------------------------------------------


@never_cache
@permission_required(REVIEW)
@require_safe
def queue_page(request):
    sections = queue.queue_for(request.user)
    context = {
        "sections": sections,
        "bulk_form": BulkForm(),
        "total": sum(s.count for s in sections),
    }
    return TemplateResponse(request, "moderation/queue.html", context)


@never_cache
@permission_required(REVIEW)
@require_safe
def queue_source(request, slug):
    source = queue.source_get(slug)
    if source is None or not has(request.user, source.permission):
        raise Http404("no such queue")
    sections = queue.queue_for(request.user, kind=slug, limit=100)
    return TemplateResponse(
        request,
        "moderation/queue.html",
        {"sections": sections, "bulk_form": BulkForm(), "single": True},
    )


@never_cache
@permission_required(REVIEW)
@require_http_methods(["GET", "POST"])
def item_page(request, pk, target_type):
    """One reported or questioned item: its context, the reports, earlier actions, and the
    action form."""
    item = _item_or_404(target_type, pk)
    form = ActionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action = _act(request.user, item, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
                status = 400
            else:
                messages.success(
                    request, _("已处置：%(kind)s。") % {"kind": action.get_kind_display()}
                )
                return redirect("moderation:queue")
        else:
            status = 400
    author_id = item.author_id
    context = {
        "item": item,
        "target_type": target_type,
        "form": form,
        "reports": selectors.item_reports(target_type, item.id),
        "earlier": selectors.item_actions(target_type, item.id),
        "author_credit": actions.credit_score(author_id) if author_id else None,
        "author_history": selectors.actions_for_author(item.obj.user)
        if author_id and target_type != Target.USER and hasattr(item.obj, "user")
        else [],
        "rules": credit.RULES,
    }
    return TemplateResponse(request, "moderation/item.html", context, status=status)


def _act(actor, item: actions.Item, data) -> ModerationAction:
    kind = data["kind"]
    common = {"rule": data.get("rule") or "", "reason": data.get("reason") or ""}
    if kind == "dismiss":
        return actions.action_dismiss(
            actor=actor, target_type=item.type, target_id=item.id, reason=common["reason"]
        )
    if kind == "remove":
        return actions.action_remove(
            actor=actor,
            target_type=item.type,
            target_id=item.id,
            evidence=data.get("evidence") or "",
            **common,
        )
    if kind == "label":
        if item.type != Target.ARTICLE:
            raise ValidationError(_("只有文章可以标注。"))
        return actions.action_label(
            actor=actor,
            article_id=item.id,
            label=data.get("label") or "",
            url=data.get("url") or "",
            evidence=data.get("evidence") or "",
            **common,
        )
    if kind == "warn":
        return actions.action_warn(
            actor=actor,
            target_type=item.type,
            target_id=item.id,
            evidence=data.get("evidence") or "",
            **common,
        )
    if item.author_id is None:
        raise ValidationError(_("找不到作者账号。"))
    return actions.action_suspend(
        actor=actor,
        user_id=item.author_id,
        days=None if data.get("permanent") else data.get("days"),
        hide_comments=bool(data.get("hide_comments")),
        evidence=data.get("evidence") or "",
        report_target=(item.type, item.id) if item.type != Target.USER else None,
        **common,
    )


@never_cache
@permission_required(REVIEW)
@require_POST
def bulk(request):
    """One form over the checked queue entries (``targets``: ``comment:12``...)."""
    form = BulkForm(request.POST)
    targets = []
    for raw in request.POST.getlist("targets"):
        target_type, _sep, raw_id = raw.partition(":")
        pk = parse_id(raw_id)
        if target_type in REPORTABLE and pk is not None:
            targets.append((target_type, pk))
    if not targets:
        messages.error(request, _("请先勾选要处置的内容。"))
        return redirect("moderation:queue")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("moderation:queue")
    done, failed = 0, []
    for target_type, pk in targets:
        try:
            if form.cleaned_data["kind"] == "remove":
                actions.action_remove(
                    actor=request.user,
                    target_type=target_type,
                    target_id=pk,
                    rule=form.cleaned_data["rule"],
                    reason=form.cleaned_data["reason"]
                    or credit.RULES[form.cleaned_data["rule"]].label,
                )
            else:
                actions.action_dismiss(
                    actor=request.user,
                    target_type=target_type,
                    target_id=pk,
                    reason=form.cleaned_data["reason"],
                )
            done += 1
        except ValidationError as exc:
            failed.append(" ".join(exc.messages))
    messages.success(request, _("已批量处置 %(n)d 项。") % {"n": done})
    for message in failed:
        messages.error(request, message)
    return redirect("moderation:queue")


@never_cache
@permission_required(DECIDE_APPEAL)
@require_http_methods(["GET", "POST"])
def appeal_page(request, pk):
    appeal = get_object_or_404(
        Appeal.objects.select_related("action", "action__actor", "user"), pk=pk
    )
    form = DecideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.appeal_decide(
                    actor=request.user,
                    appeal=appeal,
                    grant=form.cleaned_data["grant"] == "yes",
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
                status = 400
            else:
                messages.success(request, _("申诉已裁决。"))
                return redirect("moderation:queue")
        else:
            status = 400
    context = {
        "appeal": appeal,
        "action": appeal.action,
        "form": form,
        "own_action": appeal.action.actor_id == request.user.pk,
    }
    return TemplateResponse(request, "moderation/appeal.html", context, status=status)


@never_cache
@permission_required(REVIEW)
@require_safe
def log(request):
    rows = selectors.actions_log(before=parse_id(request.GET.get("before")))
    return TemplateResponse(
        request,
        "moderation/log.html",
        {"actions": rows, "next_before": rows[-1].pk if len(rows) == 100 else None},
    )


@never_cache
@permission_required(REVIEW)
@require_http_methods(["GET", "POST"])
def action_detail(request, pk):
    """One audit row; 恢复 (undo) from here."""
    action = selectors.action_get(pk)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.action_restore(
                    actor=request.user, action=action, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                messages.success(request, _("已恢复。"))
                return redirect("moderation:action", pk=pk)
        else:
            status = 400
    context = {
        "action": action,
        "form": form,
        "undoable": action.kind in actions.APPEALABLE
        and not action.reverted_by.filter(
            kind__in=[ModerationAction.Kind.RESTORE, ModerationAction.Kind.APPEAL_GRANT]
        ).exists(),
        "later": action.reverted_by.select_related("actor"),
        "rule": credit.RULES.get(action.rule),
    }
    return TemplateResponse(request, "moderation/action.html", context, status=status)


# --- the author's side ---------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def my_actions(request):
    return TemplateResponse(
        request,
        "moderation/my_actions.html",
        {"actions": selectors.actions_for_author(request.user), "rules": credit.RULES},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_action(request, pk):
    action = selectors.action_get(pk)
    if action.subject_user_id != request.user.pk:
        raise Http404("not yours")
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.appeal_create(
                    user=request.user, action=action, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                messages.success(request, _("申诉已提交，将由其他审核人员复核。"))
                return redirect("moderation:my-action", pk=pk)
        else:
            status = 400
    appeal = Appeal.objects.filter(action=action).first()
    context = {
        "action": action,
        "appeal": appeal,
        "form": form,
        "rule": credit.RULES.get(action.rule),
        "can_appeal": appeal is None
        and action.kind in actions.APPEALABLE
        and not action.reverted_by.exists(),
        "undone": action.reverted_by.filter(
            kind__in=[ModerationAction.Kind.RESTORE, ModerationAction.Kind.APPEAL_GRANT]
        ).exists(),
    }
    return TemplateResponse(request, "moderation/my_action.html", context, status=status)


@never_cache
@login_required
@require_safe
def my_credit(request):
    now = timezone.now()
    ledger = selectors.credit_ledger(request.user)
    score = credit.score([(e.created_at, e.points) for e in ledger], now)
    rights = [
        (key, credit.thresholds()[key], credit.allowed(score, key), label)
        for key, label in (
            ("original", _("声明原创")),
            ("campaigns", _("参加活动")),
            ("publish", _("发布文章")),
        )
    ]
    context = {
        "score": score,
        "start": credit.START,
        "ledger": ledger,
        "rights": rights,
        "rules": credit.RULES,
        "suspension": actions.suspension_active(request.user.pk, now),
    }
    return TemplateResponse(request, "moderation/credit.html", context)
