"""Operators' pages of content moderation under /manage/ (namespace ``modcontent``): held
comments, held articles, spam flags and the 敏感词 lists; and the creator's 跟贴管理 in the
studio (routed by studio/urls.py). Every decision is a service of ``content``, which checks
the permission again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openhao.articles.models import Article
from openhao.common.params import parse_id
from openhao.creators.permissions import creator_required
from openhao.engagement import services as engagement_services
from openhao.engagement.models import Comment

from . import content, selectors
from .models import SensitiveWord
from .permissions import can_edit_wordlists, operator_required, require_wordlist_editor


def _ids(values) -> list[int]:
    return [pk for pk in (parse_id(v) for v in values) if pk]


@never_cache
@operator_required
@require_http_methods(["GET", "POST"])
def comments(request):
    """Held comments, oldest first, with approve / remove (one or in bulk)."""
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "remove"):
            messages.error(request, _("请选择操作。"))
        else:
            n = content.comments_bulk(
                user=request.user, ids=_ids(request.POST.getlist("ids")), decision=decision
            )
            messages.success(request, _("已处理 %(n)d 条跟贴。") % {"n": n})
        return redirect("modcontent:comments")
    return render(
        request,
        "modcontent/comments.html",
        {
            "comments": selectors.held_comments()[:200],
            "count": selectors.held_comments_count(),
        },
    )


@never_cache
@operator_required
@require_safe
def articles(request):
    return render(
        request,
        "modcontent/articles.html",
        {"articles": selectors.held_articles()[:200], "count": selectors.held_articles_count()},
    )


@never_cache
@operator_required
@require_safe
def flags(request):
    return render(request, "modcontent/flags.html", {"flags": selectors.spam_flags()})


@never_cache
@operator_required
@require_http_methods(["GET", "POST"])
def word_lists(request):
    if request.method == "POST":
        try:
            word_list = content.wordlist_create(
                user=request.user,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("modcontent:word_lists")
        messages.success(request, _("已创建词表“%(n)s”。") % {"n": word_list.name})
        return redirect("modcontent:word_list", pk=word_list.pk)
    return render(
        request,
        "modcontent/word_lists.html",
        {"lists": selectors.word_lists(), "can_edit": can_edit_wordlists(request.user)},
    )


@never_cache
@operator_required
@require_http_methods(["GET", "POST"])
def word_list(request, pk):
    word_list = selectors.word_list_get(pk)
    if request.method == "POST":
        require_wordlist_editor(request.user)
        op = request.POST.get("op")
        try:
            if op == "add":
                n = content.words_add(
                    user=request.user,
                    word_list=word_list,
                    words=content.words_parse(request.POST.get("words", "")),
                    action=request.POST.get("action", ""),
                )
                messages.success(request, _("已添加或更新 %(n)d 个词语。") % {"n": n})
            elif op == "remove":
                n = content.words_remove(
                    user=request.user,
                    word_list=word_list,
                    ids=_ids(request.POST.getlist("ids")),
                )
                messages.success(request, _("已删除 %(n)d 个词语。") % {"n": n})
            elif op in ("enable", "disable"):
                content.wordlist_set_active(
                    user=request.user, word_list=word_list, active=op == "enable"
                )
                messages.success(request, _("已更新词表状态。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("modcontent:word_list", pk=pk)
    action = request.GET.get("action")
    words = word_list.words.all()
    if action in SensitiveWord.Action.values:
        words = words.filter(action=action)
    query = request.GET.get("q", "").strip()
    if query:
        words = words.filter(word__contains=query)
    return render(
        request,
        "modcontent/word_list.html",
        {
            "word_list": word_list,
            "words": words[:500],
            "total": word_list.words.count(),
            "actions": SensitiveWord.Action.choices,
            "can_edit": can_edit_wordlists(request.user),
            "query": query,
        },
    )


# --- the creator's 跟贴管理 (studio) -----------------------------------------------------------


@never_cache
@creator_required
@require_http_methods(["GET", "POST"])
def studio_comments(request):
    """Comments under the creator's own articles: approve held ones, remove (reason
    optional), 精选 / take back, and each article's comment setting."""
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "mode":
                article = get_object_or_404(Article, pk=parse_id(request.POST.get("article")))
                content.article_comment_mode_set(
                    user=request.user, article=article, mode=request.POST.get("mode", "")
                )
                messages.success(request, _("已更新跟贴设置。"))
            else:
                comment = get_object_or_404(Comment, pk=parse_id(request.POST.get("comment")))
                if op == "approve":
                    content.comment_approve(user=request.user, comment=comment)
                    messages.success(request, _("跟贴已显示。"))
                elif op == "remove":
                    content.comment_remove(
                        user=request.user,
                        comment=comment,
                        reason=request.POST.get("reason", ""),
                    )
                    messages.success(request, _("跟贴已删除。"))
                elif op == "pin":
                    engagement_services.comment_pin(user=request.user, comment=comment)
                    messages.success(request, _("已精选这条跟贴。"))
                elif op == "unpin":
                    engagement_services.comment_unpin(user=request.user, comment=comment)
                    messages.success(request, _("已取消精选。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("studio:comments")
    held_only = request.GET.get("held") == "1"
    return render(
        request,
        "studio/comments.html",
        {
            "comments": selectors.creator_comments(user=request.user, held_only=held_only),
            "articles": selectors.creator_articles_for_comments(user=request.user),
            "modes": Article.CommentMode.choices,
            "held_only": held_only,
        },
    )
