"""Staff review queues (入驻申请 and 先审后发 articles) and the audit log. Staff only; every
decision is an action of ``services`` that writes an append-only ReviewRecord."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openhao.articles import selectors as article_selectors
from openhao.articles import services as article_services
from openhao.articles.views import article_page_context
from openhao.creators import selectors as creator_selectors

from . import selectors, services
from .forms import RejectForm
from .permissions import staff_required


@never_cache
@staff_required
@require_safe
def review_applications(request):
    return render(
        request,
        "review/applications.html",
        {"applications": selectors.applications_pending()},
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def review_application(request, pk):
    application = selectors.application_get(pk)
    reject_form = RejectForm()
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.application_approve(application=application, staff=request.user)
                messages.success(
                    request, _("已通过“%(name)s”的入驻申请。") % {"name": application.display_name}
                )
                return redirect("review:applications")
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                services.application_reject(
                    application=application,
                    staff=request.user,
                    reason=reject_form.cleaned_data["reason"],
                )
                messages.success(
                    request, _("已驳回“%(name)s”的入驻申请。") % {"name": application.display_name}
                )
                return redirect("review:applications")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("review:application", pk=pk)
    return render(
        request,
        "review/application.html",
        {
            "application": application,
            "reject_form": reject_form,
            "records": application.reviews.select_related("staff"),
            "history": creator_selectors.application_history(application.user).exclude(
                pk=application.pk
            ),
        },
    )


@never_cache
@staff_required
@require_safe
def review_log(request):
    return render(request, "review/log.html", {"records": selectors.review_records()})


@never_cache
@staff_required
@require_safe
def review_articles(request):
    return render(
        request,
        "review/articles.html",
        {"articles": selectors.articles_pending_review()},
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def review_article(request, pk):
    article = selectors.article_get_for_review(pk)
    reject_form = RejectForm()
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.article_approve(article=article, staff=request.user)
                messages.success(request, _("已通过《%(t)s》。") % {"t": article.title})
                return redirect("review:articles")
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                services.article_reject(
                    article=article, staff=request.user, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("已驳回《%(t)s》。") % {"t": article.title})
                return redirect("review:articles")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("review:article", pk=pk)
    revision = None
    if article.status == article.Status.PUBLISHED:
        revision = article_services.pending_revision(article)
    shown = article_selectors.article_with_revision(article, revision) if revision else article
    context = article_page_context(shown)
    context.update(
        reject_form=reject_form,
        records=article.reviews.select_related("staff", "article", "revision"),
        review=True,
        revision=revision,
        public_article=article,
    )
    return TemplateResponse(request, "review/article.html", context)
