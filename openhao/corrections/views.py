"""The change-log page (public, cached), the reader's 纠错 form, and the creator's list of
纠错 in the studio (routed from the studio's URLconf)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openhao.accounts.ipregion import writes_content
from openhao.articles import selectors as article_selectors
from openhao.common import ratelimit
from openhao.common.cache import add_cache_tags, article_tag, public_page
from openhao.creators.permissions import creator_required

from . import selectors, services
from .forms import SuggestionForm
from .models import Suggestion


@require_safe
@public_page
def log(request, pk):
    """更正记录: every correction, edit and label of a public article, with the diffs."""
    add_cache_tags(request, article_tag(pk))
    return TemplateResponse(request, "corrections/log.html", {"log": selectors.corrections_log(pk)})


@writes_content
@never_cache
@require_http_methods(["GET", "POST"])
def suggest(request, pk):
    """纠错: GET the form (the passage pre-filled from ``?passage=``, which the article page's
    script sets from the reader's selection), POST it once per passage."""
    article = article_selectors.article_get_public(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    status = 200
    if request.method == "POST":
        form = SuggestionForm(request.POST)
        if not ratelimit.allow(request, services.RATE_ACTION):
            return ratelimit.too_many(request)
        if form.is_valid():
            try:
                services.suggestion_create(
                    user=request.user,
                    article=article,
                    passage=form.cleaned_data["passage"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("纠错已提交给作者，处理结果会通过通知告诉你。"))
                return redirect(article.get_absolute_url())
        status = 400
    else:
        form = SuggestionForm(initial={"passage": request.GET.get("passage", "")[:300]})
    return render(
        request, "corrections/suggest.html", {"article": article, "form": form}, status=status
    )


@never_cache
@creator_required
@require_safe
def studio_list(request):
    """The creator's 纠错: the open ones by article (with counts) to accept or dismiss, or the
    decided ones."""
    status = request.GET.get("status", Suggestion.Status.OPEN)
    if status not in Suggestion.Status.values:
        status = Suggestion.Status.OPEN
    suggestions = list(selectors.studio_suggestions(request.creator, status=status))
    groups: dict[int, dict] = {}
    for suggestion in suggestions:
        group = groups.setdefault(
            suggestion.article_id, {"article": suggestion.article, "items": []}
        )
        group["items"].append(suggestion)
    counts = selectors.studio_suggestion_counts(request.creator)
    return render(
        request,
        "corrections/studio_list.html",
        {
            "nav": "corrections",
            "groups": list(groups.values()),
            "status": status,
            "tabs": [(value, label, counts[value]) for value, label in Suggestion.Status.choices],
        },
    )


@never_cache
@creator_required
@require_POST
def studio_dismiss(request, pk):
    suggestion = selectors.studio_suggestion_get(request.creator, pk)
    if suggestion is None:
        messages.error(request, _("这条纠错不存在或已经处理过了。"))
    else:
        try:
            services.suggestion_dismiss(creator=request.creator, suggestion=suggestion)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已标记为不采纳，并通知了读者。"))
    return redirect("studio:corrections")
