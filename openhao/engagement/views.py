"""Thin views: parse, check permission and rate, call a service or selector, answer with an htmx
fragment or (without JavaScript) a redirect or a full page. Every per-user answer is private."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openhao.accounts.ipregion import request_region, writes_content
from openhao.articles import selectors as article_selectors
from openhao.articles.models import Article
from openhao.common import budget, ratelimit
from openhao.common.cache import article_tag, fragment
from openhao.common.params import parse_id
from openhao.common.views import local_url, private_response, safe_next
from openhao.common.visitors import (
    anonymous_visitor_key,
    is_bot,
    is_known_visitor,
    visitor_key,
)
from openhao.creators.models import Creator

from . import counters, selectors, services
from .http import is_htmx, login_required_response
from .models import Comment, ShareCount
from .services import comments_tag
from .text import mentioned_names

FOLLOWING_PAGE_SIZE = 60


def _follow_context(request, creator: Creator) -> dict:
    user = request.user
    return {
        "creator": creator,
        "following": selectors.is_following(user=user, creator_id=creator.pk),
        "is_self": user.is_authenticated and creator.user_id == user.pk,
        "authenticated": user.is_authenticated,
    }


@require_safe
def follow_state(request, pk):
    """The follow button for the cached author card and creator page (loaded by htmx)."""
    creator = get_object_or_404(Creator.objects.only("id", "user_id", "display_name"), pk=pk)
    response = TemplateResponse(
        request, "engagement/follow_button.html", _follow_context(request, creator)
    )
    return private_response(response)


@require_http_methods(["GET", "POST"])
def follow(request, pk):
    """GET: the no-JavaScript follow page (state and one button). POST: follow or unfollow."""
    creator = get_object_or_404(Creator, pk=pk)
    if not request.user.is_authenticated:
        return login_required_response(request, creator_follow_url(creator))
    if request.method == "POST":
        if not ratelimit.allow(request, "follow"):
            return ratelimit.too_many(request)
        try:
            if request.POST.get("action") == "unfollow":
                services.follow_delete(user=request.user, creator=creator)
                done = _("已取消关注%(name)s。")
            else:
                services.follow_create(user=request.user, creator=creator)
                done = _("已关注%(name)s。")
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        if is_htmx(request):
            context = _follow_context(request, creator)
            context["follower_count"] = selectors.follower_count(creator.pk)
            context["oob"] = True
            return private_response(
                TemplateResponse(request, "engagement/follow_button.html", context)
            )
        if request.POST.get("next"):  # from a page that shows messages (我的关注)
            messages.success(request, done % {"name": creator.display_name})
            return redirect(safe_next(request, creator.get_absolute_url()))
        # From the follow page: back to it, showing the new state and the way back.
        back = local_url(request, request.POST.get("back", ""), creator.get_absolute_url())
        return redirect(f"{creator_follow_url(creator)}?{urlencode({'next': back})}")
    context = _follow_context(request, creator)
    context["back"] = local_url(
        request,
        request.GET.get("next") or request.META.get("HTTP_REFERER", ""),
        creator.get_absolute_url(),
    )
    return private_response(TemplateResponse(request, "engagement/follow_page.html", context))


def creator_follow_url(creator: Creator) -> str:
    return reverse("engagement:follow", args=[creator.pk])


@login_required
@require_safe
def following(request):
    """我的关注: followed creators and a timeline of their newest articles."""
    creators = article_selectors.paginate(
        selectors.followed_creators(user=request.user),
        request.GET.get("cpage"),
        per_page=FOLLOWING_PAGE_SIZE,
    )
    timeline = article_selectors.paginate(
        selectors.following_timeline(user=request.user), request.GET.get("page")
    )
    return private_response(
        TemplateResponse(
            request,
            "engagement/following.html",
            {"creators": creators, "page": timeline},
        )
    )


# --- 跟贴 -----------------------------------------------------------------------------------


def _forbidden(request, message: str, status: int = 403):
    """403 (or ``status``) with a Chinese message: a page, or an alert swapped into #flash for
    htmx."""
    if is_htmx(request):
        response = TemplateResponse(
            request, "common/flash.html", {"message": message}, status=status
        )
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = TemplateResponse(
            request, "common/flash_page.html", {"message": message}, status=status
        )
    return private_response(response)


def _comments_url(article_id: int, *, sort: str = "new", page=None) -> str:
    url = reverse("engagement:comments", args=[article_id])
    query = {}
    if sort != "new":
        query["sort"] = sort
    if page and str(page) != "1":
        query["page"] = page
    return f"{url}?{urlencode(query)}" if query else url


def _comments_context(request, article, page_number, *, sort="new", **extra) -> dict:
    sort = selectors.comment_sort(sort)
    page, threads = selectors.comment_threads(
        article.pk, page_number, sort=sort, viewer_id=request.user.pk
    )
    pinned = selectors.pinned_comments(article.pk)
    # Sorted 最热, the list itself is the heat order: no separate 热门跟贴 box.
    hot = selectors.hot_comments(article.pk) if sort == "new" else []
    ids = [c.pk for c in hot] + [c.pk for c in pinned]
    for thread in threads:
        ids.append(thread.comment.pk)
        for reply in thread.replies:
            ids.append(reply.comment.pk)
            ids.extend(c.pk for c in reply.deeper)
    user = request.user
    return {
        "article": article,
        "page": page,
        "threads": threads,
        "hot": hot,
        "pinned": pinned,
        "is_author": user.is_authenticated and article.creator.user_id == user.pk,
        "sort": sort,
        "sorts": [
            (key, label, _comments_url(article.pk, sort=key))
            for key, label in (("hot", _("最热")), ("new", _("最新")))
        ],
        "page_urls": {
            "previous": _comments_url(article.pk, sort=sort, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next": _comments_url(article.pk, sort=sort, page=page.next_page_number())
            if page.has_next()
            else "",
        },
        "voted": selectors.voted_comment_ids(user=user, comment_ids=ids),
        "max_length": Comment.MAX_LENGTH,
        "comments_url": _comments_url(article.pk),
        "here_url": _comments_url(article.pk, sort=sort, page=page.number),
        **extra,
    }


def _render_comments(request, article, page_number, *, status=200, oob_count=False, **extra):
    context = _comments_context(request, article, page_number, oob_count=oob_count, **extra)
    template = (
        "engagement/comments_block.html" if is_htmx(request) else "engagement/comments_page.html"
    )
    return private_response(TemplateResponse(request, template, context, status=status))


def _anonymous_comments_block(request, article, page_number, sort):
    """Every anonymous reader sees the same block (no forms, no votes of their own): it is
    built once per article, sort and page and shared until a comment, vote or pin bumps the
    tag."""
    try:
        number = max(1, int(page_number or 1))
    except ValueError:
        number = 1
    sort = selectors.comment_sort(sort)

    def build() -> str:
        response = _render_comments(request, article, number, sort=sort)
        response.render()
        return response.content.decode()

    html = fragment(
        f"html:comments:{article.pk}:{sort}:{number}",
        [comments_tag(article.pk), article_tag(article.pk)],
        build,
    )
    return private_response(HttpResponse(html))


@writes_content
@require_http_methods(["GET", "POST"])
def comments(request, pk):
    """The comments block (htmx, loaded into the cached article page) or, without JavaScript,
    the full comments page; POST adds a comment or a reply."""
    article = selectors.article_for_comments(pk)
    page_number = request.GET.get("page") or request.POST.get("page")
    sort = selectors.comment_sort(request.GET.get("sort") or request.POST.get("sort"))
    if request.method == "GET":
        if is_htmx(request) and not request.user.is_authenticated:
            return _anonymous_comments_block(request, article, page_number, sort)
        return _render_comments(request, article, page_number, sort=sort)
    if not request.user.is_authenticated:
        return login_required_response(request, _comments_url(article.pk))
    if not ratelimit.allow(request, "comment"):
        return ratelimit.too_many(request)
    body = request.POST.get("body", "")
    # @mentions notify other readers: a limit of their own, so a comment storm cannot turn
    # into a notification storm. Over it the comment is refused (the typed text stays).
    if mentioned_names(body) and not ratelimit.allow(request, "mention"):
        return ratelimit.too_many(request)
    parent = None
    try:
        if request.POST.get("parent"):
            parent = _reply_parent(article, request.POST["parent"])
        comment = services.comment_create(
            user=request.user,
            article=article,
            body=body,
            parent=parent,
            ip_region=request_region(request),
        )
    except ValidationError as exc:
        return _render_comments(
            request,
            article,
            page_number,
            sort=sort,
            status=400,
            error=exc.messages[0],
            error_text=request.POST.get("body", ""),
            # A deleted parent has no reply form left: show the message at the main form.
            error_parent_id=parent.pk if parent and not parent.is_deleted else None,
        )
    article.refresh_from_db(fields=["comment_count"])
    if is_htmx(request):
        # A new top-level comment is the newest: show page 1 of 最新; a reply stays where it is.
        if parent:
            return _render_comments(
                request, article, page_number, sort=sort, oob_count=True, posted_id=comment.pk
            )
        return _render_comments(request, article, 1, oob_count=True, posted_id=comment.pk)
    if comment.moderation_state == Comment.State.HELD:
        messages.success(request, _("跟贴已提交，审核通过后显示。"))
    else:
        messages.success(request, _("跟贴已发布。"))
    back = (
        _comments_url(article.pk, sort=sort, page=page_number)
        if parent
        else _comments_url(article.pk)
    )
    return redirect(f"{back}#comment-{comment.pk}")


def _reply_parent(article, raw: str) -> Comment:
    """The comment a reply answers; a malformed id or one of another article is the same
    ValidationError as the service's, so the form comes back with the typed text."""
    pk = parse_id(raw)
    parent = Comment.objects.filter(pk=pk, article_id=article.pk).first() if pk else None
    if parent is None:
        raise ValidationError(_("回复的跟贴不存在。"), code="parent")
    return parent


@require_POST
def comment_vote(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("user"), pk=pk)
    if not request.user.is_authenticated:
        return login_required_response(request, _comments_url(comment.article_id))
    if not ratelimit.allow(request, "vote"):
        return ratelimit.too_many(request)
    try:
        services.comment_vote(user=request.user, comment=comment)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    if is_htmx(request):
        comment.refresh_from_db(fields=["vote_count"])
        return private_response(
            TemplateResponse(
                request,
                "engagement/comment_vote.html",
                {"comment": comment, "voted": {comment.pk}, "user": request.user},
            )
        )
    return redirect(safe_next(request, f"{_comments_url(comment.article_id)}#comment-{comment.pk}"))


@require_POST
def comment_delete(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    if not request.user.is_authenticated:
        return login_required_response(request, _comments_url(comment.article_id))
    try:
        services.comment_delete(user=request.user, comment=comment)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    article = selectors.article_for_comments(comment.article_id)
    if is_htmx(request):
        return _render_comments(
            request,
            article,
            request.POST.get("page"),
            sort=request.POST.get("sort"),
            oob_count=True,
        )
    messages.success(request, _("跟贴已删除。"))
    return redirect(safe_next(request, _comments_url(article.pk)))


@require_POST
def comment_pin(request, pk):
    """精选 (action=pin) or take back (action=unpin), by the article's author only."""
    comment = get_object_or_404(Comment.objects.only("id", "article_id", "is_deleted"), pk=pk)
    article = selectors.article_for_comments(comment.article_id)
    if not request.user.is_authenticated:
        return login_required_response(request, _comments_url(comment.article_id))
    pin = request.POST.get("action") != "unpin"
    try:
        if pin:
            services.comment_pin(user=request.user, comment=comment)
        else:
            services.comment_unpin(user=request.user, comment=comment)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        return _forbidden(request, exc.messages[0], status=400)
    article.refresh_from_db(fields=["comment_count"])
    sort = selectors.comment_sort(request.POST.get("sort"))
    page_number = request.POST.get("page")
    if is_htmx(request):
        return _render_comments(request, article, page_number, sort=sort)
    messages.success(request, _("已精选这条跟贴。") if pin else _("已取消精选。"))
    back = _comments_url(article.pk, sort=sort, page=page_number)
    return redirect(f"{back}#comment-{comment.pk}")


# --- 点赞, 分享, 阅读 ---------------------------------------------------------------------------

SHARE_DEDUP_SECONDS = 30 * 60


def _actions_context(request, article_id: int) -> dict:
    counts = selectors.article_counts(article_id)
    counts["view_count"] += counters.reads_pending([article_id]).get(article_id, 0)
    return {
        "counts": counts,
        "article_id": article_id,
        "liked": selectors.has_liked(user=request.user, article_id=article_id),
        "bookmarked": selectors.has_bookmarked(user=request.user, article_id=article_id),
        "shares": selectors.share_breakdown(article_id),
    }


@require_safe
def article_actions(request, pk):
    """点赞 button and live counts under the cached article body (loaded by htmx)."""
    return _actions_response(request, pk)


def _actions_response(request, pk):
    return private_response(
        TemplateResponse(request, "engagement/article_actions.html", _actions_context(request, pk))
    )


@require_http_methods(["GET", "POST"])
def like(request, pk):
    """GET: the no-JavaScript like page. POST: like (action=like) or take it back."""
    article = selectors.article_for_comments(pk)
    if not request.user.is_authenticated:
        return login_required_response(request, reverse("engagement:like", args=[pk]))
    if request.method == "POST":
        if not ratelimit.allow(request, "like"):
            return ratelimit.too_many(request)
        services.like_set(
            user=request.user, article=article, liked=request.POST.get("action") != "unlike"
        )
        if is_htmx(request):
            return _actions_response(request, pk)
        # Without JavaScript: the like page shows the new state (the article page is cached
        # and cannot).
        return redirect(reverse("engagement:like", args=[pk]))
    context = _actions_context(request, pk)
    context["article"] = article
    return private_response(TemplateResponse(request, "engagement/like_page.html", context))


@require_http_methods(["GET", "POST"])
def bookmark(request, pk):
    """GET: the no-JavaScript 收藏 page. POST: save (action=save) or take out (action=remove).
    Taking out works for an article removed since (from 我的收藏)."""
    if not request.user.is_authenticated:
        return login_required_response(request, reverse("engagement:bookmark", args=[pk]))
    if request.method == "POST":
        if not ratelimit.allow(request, "bookmark"):
            return ratelimit.too_many(request)
        save = request.POST.get("action") != "remove"
        article = (
            selectors.article_for_comments(pk)
            if save
            else get_object_or_404(Article.objects.only("id"), pk=pk)
        )
        services.bookmark_set(user=request.user, article=article, saved=save)
        if is_htmx(request):
            return _actions_response(request, pk)
        if request.POST.get("next"):  # from 我的收藏
            messages.success(request, _("已收藏。") if save else _("已取消收藏。"))
            return redirect(safe_next(request, reverse("engagement:bookmarks")))
        return redirect(reverse("engagement:bookmark", args=[pk]))
    article = selectors.article_for_comments(pk)
    context = _actions_context(request, pk)
    context["article"] = article
    return private_response(TemplateResponse(request, "engagement/like_page.html", context))


@login_required
@require_safe
def bookmarks(request):
    """我的收藏: newest first, keyset pages (``?after=``)."""
    page = selectors.bookmarks_page(user=request.user, cursor=request.GET.get("after"))
    return private_response(TemplateResponse(request, "engagement/bookmarks.html", {"page": page}))


BUDGETS = {
    "read": ("OPENHAO_READ_BUDGET", "OPENHAO_READ_BUDGET_UNKNOWN"),
    "share": ("OPENHAO_SHARE_BUDGET", "OPENHAO_SHARE_BUDGET_UNKNOWN"),
}


def _budget_take(request, action: str, article_id: int, visitor: str) -> budget.Taken | None:
    """Room in this address's budget of counted reads or shares (openhao/common/budget.py)?
    Visitors without an id from this site (no cookie, a made-up one) share a smaller one."""
    everyone, unknown = BUDGETS[action]
    budgets = [(action, getattr(settings, everyone))]
    if not is_known_visitor(visitor):
        budgets.insert(0, (f"{action}-unknown", getattr(settings, unknown)))
    return budget.take(request, budgets, article_id=article_id)


@require_POST
def share(request, pk):
    """Beacon from the 分享至 menu: counted once per visitor, article and channel per 30 min,
    within the address's budget of counted shares."""
    channel = request.POST.get("channel", "")
    if channel not in ShareCount.Channel.values:
        return HttpResponseBadRequest("unknown channel")
    article = selectors.article_for_comments(pk)
    if is_bot(request):
        return private_response(HttpResponse(status=204))
    if not ratelimit.allow(request, "share"):
        return ratelimit.too_many(request)
    visitor = visitor_key(request)
    taken = _budget_take(request, "share", pk, visitor)
    if taken is None:
        return private_response(HttpResponse(status=204))
    key = f"oh:share:{pk}:{channel}:{visitor}"
    if cache.add(key, 1, timeout=SHARE_DEDUP_SECONDS):
        services.share_record(article=article, channel=channel)
    else:
        taken.refund()
    return private_response(HttpResponse(status=204))


@require_POST
def read(request, pk):
    """Read beacon, sent by site.js once the page has loaded. Never writes to the database:
    the read goes to the buffer (counters.py), if it fits the address's budget."""
    if is_bot(request):
        return private_response(HttpResponse(status=204))
    try:
        if not selectors.article_is_public(pk):
            return private_response(HttpResponse(status=404))
        user = request.user
        # A reader who paused 阅读历史 is counted like anyone, but their read is not kept.
        user_id = user.pk if user.is_authenticated and not user.history_paused else None
        visitor = visitor_key(request)
    except DatabaseError:
        # The database is unreachable; the page came from the page cache and the buffer does
        # not need the database: count the read, the flush writes it once the database is back
        # (a missing article's count is dropped there). The session cannot be read either, so
        # the reader counts as anonymous and goes to no reading history.
        user_id, visitor = None, anonymous_visitor_key(request)
    taken = _budget_take(request, "read", pk, visitor)
    if taken is None:
        return private_response(HttpResponse(status=204))
    if not counters.read_record(article_id=pk, visitor=visitor, user_id=user_id):
        taken.refund()
    return private_response(HttpResponse(status=204))


@login_required
@require_safe
def notifications(request):
    """通知: newest first; the unread ones on the page shown are marked read by viewing it."""
    page = selectors.notifications_page(user=request.user, page_number=request.GET.get("page"))
    items = list(page.object_list)
    unread_ids = [n.pk for n in items if n.read_at is None]
    services.notifications_mark_read(user=request.user, ids=unread_ids)
    return private_response(
        TemplateResponse(
            request,
            "engagement/notifications.html",
            {"page": page, "items": items, "unread_ids": set(unread_ids)},
        )
    )
