"""创作者中心 (the studio): a creator's own articles. Every view is for the signed-in creator
and only ever touches that creator's articles (another creator's article is a 404)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openhao.accounts.ipregion import writes_content
from openhao.articles import selectors as article_selectors
from openhao.articles import services as article_services
from openhao.articles.models import Article, ArticleRevision
from openhao.articles.views import article_page_context
from openhao.common import ratelimit
from openhao.common.params import parse_id
from openhao.corrections import selectors as correction_selectors
from openhao.corrections import services as correction_services
from openhao.creators.permissions import creator_required

from .forms import ArticleForm, AutosaveForm, ReferenceFormSet, references_from


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or bool(
        request.headers.get("HX-Request")
    )


@never_cache
@creator_required
@require_safe
def home(request):
    status = request.GET.get("status", "")
    counts = article_selectors.studio_status_counts(request.creator)
    return render(
        request,
        "studio/home.html",
        {
            "nav": "home",
            "creator": request.creator,
            "articles": article_selectors.studio_articles(request.creator, status=status),
            "status": status,
            "tabs": [
                (value, label, counts[value])
                for value, label in Article.Status.choices
                if value in counts
            ],
        },
    )


@writes_content
@never_cache
@creator_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    return _editor(request, None)


@writes_content
@never_cache
@creator_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    return _editor(request, article_selectors.studio_article_get(request.creator, pk))


def _references_initial(version) -> list[dict]:
    """The reference rows of an article or of its pending revision."""
    if isinstance(version, ArticleRevision):
        return [dict(r) for r in version.references]
    return [{"title": r.title, "source": r.source, "url": r.url} for r in version.references.all()]


def _editor(request, article: Article | None):
    creator = request.creator
    restored = revision = None
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES)
        formset = ReferenceFormSet(request.POST, prefix="refs")
        saved = None
        if form.is_valid() and formset.is_valid():
            to_review = article is not None and article_services.article_edit_needs_review(article)
            try:
                saved = _save(creator, article, form, formset)
            except ValidationError as exc:  # accounts.hooks.write_check: suspended, 信用分
                form.add_error(None, exc)
        if saved is not None:
            article = saved
            action = request.POST.get("action", "save")
            if action == "preview":
                return redirect("studio:preview", pk=article.pk)
            if to_review:
                messages.success(
                    request,
                    _("修改已提交审核。审核通过前，读者看到的仍是原来的版本；通过后自动替换。"),
                )
                return redirect("studio:home")
            if action == "publish":
                return _submit(request, article, form.cleaned_data.get("scheduled_at"))
            messages.success(request, _("已保存。"))
            return redirect("studio:edit", pk=article.pk)
        # Fall through: the same form, with everything the creator typed, and the errors.
    else:
        if article is None:
            form = ArticleForm(initial={"channel": creator.main_channel_id})
            formset = ReferenceFormSet(prefix="refs")
        else:
            # Only a published article has edits under review.
            if article.status == Article.Status.PUBLISHED:
                revision = article_selectors.article_latest_revision(article)
            pending = revision if revision and revision.status == revision.Status.PENDING else None
            # A pending edit is what the creator works on; the public version is behind it.
            initial = ArticleForm.initial_for(article, revision=pending)
            since = pending.updated_at if pending else article.updated_at
            autosave = getattr(article, "autosave", None)
            if autosave is not None and autosave.saved_at > since:
                initial.update(title=autosave.title, body_html=autosave.body_html)
                restored = autosave
            suggestion = None
            if article.status == Article.Status.PUBLISHED:
                suggestion = correction_selectors.studio_suggestion_get(
                    creator, parse_id(request.GET.get("suggestion", "")), article=article
                )
            if suggestion is not None:
                # 采纳 a reader's 纠错: the edit is a correction, its note drafted from the passage.
                initial.update(
                    is_correction=True,
                    suggestion=suggestion.pk,
                    correction_note=_("根据读者纠错，更正了“%(passage)s”一处的错误。")
                    % {"passage": suggestion.passage[:80]},
                )
            form = ArticleForm(initial=initial)
            formset = ReferenceFormSet(
                prefix="refs", initial=_references_initial(pending or article)
            )
    if request.method == "POST" and article is not None and article.status == "published":
        revision = article_selectors.article_latest_revision(article)
    return render(
        request,
        "studio/editor.html",
        {
            "nav": "new" if article is None else "home",
            "form": form,
            "formset": formset,
            "article": article,
            "restored": restored,
            "problems": article_services.article_publish_problems(article) if article else [],
            "needs_review": article_services.creator_needs_review(creator),
            "edit_needs_review": article is not None
            and article_services.article_edit_needs_review(article),
            "revision": revision,
        },
        status=400 if request.method == "POST" else 200,
    )


def _save(creator, article, form, formset) -> Article:
    data = form.cleaned_data
    cover = None
    if data.get("cover"):
        cover = article_services.image_store(creator=creator, cleaned=data["cover"]).file.name
    fields = {
        "channel": data["channel"],
        "title": data["title"],
        "body_html": data["body_html"],
        "summary": data["summary"],
        "is_original": data["is_original"],
        "topic_names": data["topics"],
        "references": references_from(formset),
        "cover_alt": data["cover_alt"],
    }
    if article is None:
        return article_services.article_create(creator=creator, cover=cover or "", **fields)
    note = data.get("correction_note", "") if article.status == Article.Status.PUBLISHED else ""
    suggestion = correction_selectors.studio_suggestion_get(
        creator, data.get("suggestion"), article=article
    )
    if suggestion is not None and note:
        return correction_services.article_update_accepting(
            creator=creator,
            suggestion=suggestion,
            article=article,
            correction_note=note,
            cover=cover,
            **fields,
        )
    return article_services.article_update(
        article=article, cover=cover, correction_note=note, **fields
    )


def _submit(request, article, at):
    try:
        article = article_services.article_submit(article=article, at=at)
    except article_services.ArticleNotReady as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("studio:edit", pk=article.pk)
    if article.status == Article.Status.PENDING:
        messages.success(request, _("已提交审核，审核通过后会自动发布。"))
    elif article.status == Article.Status.SCHEDULED:
        messages.success(
            request,
            _("已设置定时发布：%(at)s")
            % {"at": timezone.localtime(article.scheduled_at).strftime("%Y-%m-%d %H:%M:%S")},
        )
    else:
        messages.success(request, _("已发布。"))
    return redirect("studio:home")


@never_cache
@creator_required
@require_POST
def article_publish(request, pk):
    article = article_selectors.studio_article_get(request.creator, pk)
    return _submit(request, article, None)


@never_cache
@creator_required
@require_POST
def article_unpublish(request, pk):
    article = article_selectors.studio_article_get(request.creator, pk)
    article_services.article_unpublish(article=article)
    messages.success(request, _("已撤回到草稿箱，读者暂时看不到这篇文章。"))
    return redirect("studio:home")


@never_cache
@creator_required
@require_POST
def revision_withdraw(request, pk):
    article = article_selectors.studio_article_get(request.creator, pk)
    if article_services.article_revision_withdraw(article=article):
        messages.success(request, _("已撤销待审核的修改，读者看到的仍是已发布的版本。"))
    return redirect("studio:edit", pk=article.pk)


@never_cache
@creator_required
@require_http_methods(["GET", "POST"])
def article_delete(request, pk):
    """GET: the confirmation page (no JavaScript needed). POST: move it to the 回收站."""
    article = article_selectors.studio_article_get(request.creator, pk)
    if request.method == "GET":
        return render(
            request,
            "studio/delete_confirm.html",
            {"nav": "home", "article": article, "trash_days": settings.OPENHAO_TRASH_DAYS},
        )
    article_services.article_soft_delete(article=article)
    messages.success(
        request,
        _("《%(title)s》已移到回收站，%(n)d 天内可以恢复。")
        % {"title": article.title or _("（无标题）"), "n": settings.OPENHAO_TRASH_DAYS},
    )
    return redirect("studio:home")


@never_cache
@creator_required
@require_safe
def trash(request):
    now = timezone.now()
    cutoff = article_services.trash_cutoff(now)
    articles = list(article_selectors.studio_trash(request.creator, cutoff=cutoff))
    for article in articles:  # whole days left, counting the day it is purged
        article.days_left = max(1, -((cutoff - article.deleted_at) // timedelta(days=1)))
    return render(
        request,
        "studio/trash.html",
        {"nav": "trash", "articles": articles, "trash_days": settings.OPENHAO_TRASH_DAYS},
    )


@never_cache
@creator_required
@require_POST
def article_restore(request, pk):
    article = article_selectors.studio_trash_get(request.creator, pk)
    try:
        article = article_services.article_restore(article=article)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("studio:trash")
    messages.success(
        request,
        _("已恢复《%(title)s》，状态：%(status)s。")
        % {"title": article.title or _("（无标题）"), "status": article.get_status_display()},
    )
    return redirect("studio:home")


@never_cache
@creator_required
@require_safe
def article_preview(request, pk):
    """The article exactly as the public page will render it (same template and context)."""
    article = article_selectors.studio_article_get(request.creator, pk)
    revision = article_services.pending_revision(article)
    if revision is not None:  # the version readers will see once the edit is approved
        article = article_selectors.article_with_revision(article, revision)
    context = article_page_context(article)
    context["preview"] = True
    context["revision"] = revision
    response = TemplateResponse(request, "studio/preview.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@writes_content
@never_cache
@creator_required
@require_POST
def autosave(request, pk=None):
    """Called by the editor every 30 s and when the page is left (sendBeacon). Answers JSON
    with the article's id, so that a new article keeps autosaving into the same draft; the id
    is null while a new article has neither title nor text (no draft is made for it)."""
    creator = request.creator
    if not ratelimit.allow(request, "autosave"):
        return ratelimit.too_many(request)
    article = article_selectors.studio_article_get(creator, pk) if pk else None
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": form.error_text()}, status=400)
    channel = form.cleaned_data["channel"]
    if article is None and channel is None and creator.main_channel_id is None:
        return JsonResponse({"error": _("请先选择频道，再自动保存。")}, status=400)
    article = article_services.article_autosave(
        creator=creator,
        article=article,
        title=form.cleaned_data["title"],
        body_html=form.cleaned_data["body_html"],
        channel=channel,
    )
    if article is None:  # nothing typed yet: no draft (the editor tries again later)
        return JsonResponse({"id": None, "saved_at": None})
    return JsonResponse(
        {
            "id": article.pk,
            "edit_url": reverse("studio:edit", args=[article.pk]),
            "autosave_url": reverse("studio:autosave", args=[article.pk]),
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
        }
    )


@writes_content
@never_cache
@creator_required
@require_http_methods(["GET", "POST"])
def image_upload(request):
    """Upload one image. JSON for the editor's button; without JavaScript a small page that
    shows the HTML to paste and the image's address."""
    creator = request.creator
    image = error = None
    if request.method == "POST":
        if not ratelimit.allow(request, "image_upload"):
            return ratelimit.too_many(request)
        upload = request.FILES.get("image")
        if upload is None:
            error = _("请选择图片。")
        else:
            try:
                image = article_services.image_upload(creator=creator, upload=upload)
            except ValidationError as exc:
                error = " ".join(exc.messages)
        if _wants_json(request):
            if error:
                return JsonResponse({"error": error}, status=400)
            return JsonResponse(
                {
                    "id": image.pk,
                    "url": image.file.url,
                    "width": image.width,
                    "height": image.height,
                }
            )
    return render(
        request,
        "studio/upload.html",
        {"nav": "new", "image": image, "error": error},
        status=400 if error else 200,
    )
