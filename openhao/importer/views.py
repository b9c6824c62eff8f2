"""导入 in the studio: import one article from a URL or pasted HTML into a draft, and manage
RSS subscriptions with their recent runs. Thin: the work is in services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openhao.articles import services as article_services
from openhao.common import ratelimit
from openhao.creators.permissions import creator_required

from . import selectors, services
from .forms import FeedForm, ImportHtmlForm, ImportUrlForm


def _page(request, *, url_form=None, html_form=None, feed_form=None, error="", status=200):
    creator = request.creator
    return render(
        request,
        "importer/import.html",
        {
            "nav": "import",
            "url_form": url_form or ImportUrlForm(),
            "html_form": html_form or ImportHtmlForm(),
            "feed_form": feed_form or FeedForm(),
            "subscriptions": selectors.creator_subscriptions(creator),
            "needs_review": article_services.creator_needs_review(creator),
            "error": error,
        },
        status=status,
    )


@never_cache
@creator_required
@require_safe
def import_page(request):
    return _page(request)


def _imported(request, result):
    messages.success(request, _("已导入为草稿，请检查内容和图片说明后再发布。"))
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("studio:edit", result.article.pk)


@never_cache
@creator_required
@require_POST
def import_url(request):
    if not ratelimit.allow(request, "import"):
        return ratelimit.too_many(request)
    form = ImportUrlForm(request.POST)
    if not form.is_valid():
        return _page(request, url_form=form, status=400)
    try:
        result = services.article_import(creator=request.creator, url=form.cleaned_data["url"])
    except services.ImportFailed as exc:
        return _page(request, url_form=form, error=exc.message, status=400)
    return _imported(request, result)


@never_cache
@creator_required
@require_POST
def import_html(request):
    if not ratelimit.allow(request, "import"):
        return ratelimit.too_many(request)
    form = ImportHtmlForm(request.POST)
    if not form.is_valid():
        return _page(request, html_form=form, status=400)
    try:
        result = services.article_import(creator=request.creator, html=form.cleaned_data["html"])
    except services.ImportFailed as exc:
        return _page(request, html_form=form, error=exc.message, status=400)
    return _imported(request, result)


@never_cache
@creator_required
@require_POST
def feed_subscribe(request):
    if not ratelimit.allow(request, "import"):
        return ratelimit.too_many(request)
    form = FeedForm(request.POST)
    if form.is_valid():
        try:
            services.feed_subscribe(
                creator=request.creator,
                url=form.cleaned_data["url"],
                auto_publish=form.cleaned_data["auto_publish"],
            )
        except ValidationError as exc:
            form.add_error("url", exc)
    if not form.is_valid():
        return _page(request, feed_form=form, status=400)
    messages.success(request, _("已订阅，正在抓取第一批文章。"))
    return redirect("studio:import")


@never_cache
@creator_required
@require_POST
def feed_poll_now(request, pk):
    subscription = selectors.creator_subscription_get(request.creator, pk)
    if not ratelimit.allow(request, "import"):
        return ratelimit.too_many(request)
    services.feed_poll_request(subscription=subscription)
    messages.success(request, _("已开始抓取，结果见下方的抓取记录。"))
    return redirect("studio:import")


@never_cache
@creator_required
@require_POST
def feed_delete(request, pk):
    subscription = selectors.creator_subscription_get(request.creator, pk)
    services.feed_unsubscribe(subscription=subscription)
    messages.success(request, _("已取消订阅，已导入的草稿仍保留。"))
    return redirect("studio:import")
