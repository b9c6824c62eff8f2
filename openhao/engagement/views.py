"""Thin views: parse, check permission and rate, call a service or selector, answer with an htmx
fragment or (without JavaScript) a redirect or a full page. Every per-user answer is private."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from openhao.articles import selectors as article_selectors
from openhao.common import ratelimit
from openhao.common.views import private_response, safe_next
from openhao.creators.models import Creator

from . import selectors, services
from .http import is_htmx, login_required_response

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
            return private_response(
                TemplateResponse(
                    request, "common/flash_page.html", {"message": str(exc)}, status=403
                )
            )
        if is_htmx(request):
            context = _follow_context(request, creator)
            context["follower_count"] = selectors.follower_count(creator.pk)
            context["oob"] = True
            return private_response(
                TemplateResponse(request, "engagement/follow_button.html", context)
            )
        messages.success(request, done % {"name": creator.display_name})
        return redirect(safe_next(request, creator.get_absolute_url()))
    context = _follow_context(request, creator)
    context["next"] = safe_next(request, request.META.get("HTTP_REFERER", ""))
    if not context["next"]:
        context["next"] = creator.get_absolute_url()
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
