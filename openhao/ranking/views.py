from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from openhao.accounts.services import reading_history_pause
from openhao.common.cache import LISTS_TAG, add_cache_tags, public_page
from openhao.common.params import parse_id
from openhao.common.views import local_url

from . import selectors, services


@require_safe
@public_page
def feed(request):
    """推荐 as a full page: what the "更多" link opens without JavaScript."""
    add_cache_tags(request, LISTS_TAG)
    page = selectors.feed_page(cursor=request.GET.get("cursor"))
    return TemplateResponse(request, "ranking/feed.html", {"feed": page})


@require_safe
@public_page
def feed_more(request):
    """The next items of the feed as an HTML fragment, for htmx's infinite scroll."""
    add_cache_tags(request, LISTS_TAG)
    page = selectors.feed_page(cursor=request.GET.get("cursor"))
    return TemplateResponse(request, "ranking/feed_items.html", {"feed": page})


def _private(response):
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


@require_safe
def feed_mine(request):
    """The signed-in reader's feed (hidden articles and muted creators left out), loaded by
    htmx over the cached public feed. Anonymous visitors get 204: htmx then keeps the public
    items."""
    if not request.user.is_authenticated:
        return _private(HttpResponse(status=204))
    page = selectors.feed_page(cursor=request.GET.get("cursor"), user=request.user)
    response = TemplateResponse(
        request, "ranking/feed_items.html", {"feed": page, "personal": True}
    )
    return _private(response)


def _done(request):
    """htmx removes the item (empty body); without JavaScript, back to the page."""
    if request.headers.get("HX-Request"):
        return _private(HttpResponse(""))
    return redirect(local_url(request, request.POST.get("next"), reverse("home")))


@require_POST
@login_required
def hide(request, article_id: int):
    if not services.feed_hide(user=request.user, article_id=article_id):
        raise Http404("article not found")
    return _done(request)


@require_POST
@login_required
def mute(request, creator_id: int):
    if not services.feed_mute(user=request.user, creator_id=creator_id):
        raise Http404("creator not found")
    return _done(request)


# --- 阅读历史 ----------------------------------------------------------------------------------


@login_required
@require_safe
def history(request):
    """阅读历史: newest first, grouped by day; clear, remove one, pause."""
    page, days = selectors.history_page(user=request.user, cursor=request.GET.get("after"))
    context = {"page": page, "days": days, "paused": request.user.history_paused}
    return _private(TemplateResponse(request, "ranking/history.html", context))


@login_required
@require_POST
def history_clear(request):
    services.read_history_clear(user=request.user)
    messages.success(request, _("阅读历史已清空。"))
    return _private(redirect("history:list"))


@login_required
@require_POST
def history_remove(request, article_id):
    if parse_id(str(article_id)):  # past the bigint range: nothing to remove
        services.read_history_remove(user=request.user, article_id=article_id)
    messages.success(request, _("已从阅读历史中删除。"))
    back = local_url(request, request.POST.get("next", ""), reverse("history:list"))
    return _private(redirect(back))


@login_required
@require_POST
def history_pause(request):
    paused = request.POST.get("action") != "resume"
    reading_history_pause(user=request.user, paused=paused)
    messages.success(
        request,
        _("已暂停记录阅读历史。") if paused else _("已恢复记录阅读历史。"),
    )
    return _private(redirect("history:list"))
