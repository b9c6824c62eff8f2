"""Reads of moderation: the queues staff work through and the audit log."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from openhao.articles.models import Article, ArticleRevision
from openhao.creators.models import CreatorApplication

from .models import ReviewRecord


def applications_pending() -> QuerySet[CreatorApplication]:
    # Index application_queue_idx (status, created_at).
    return (
        CreatorApplication.objects.filter(status=CreatorApplication.Status.PENDING)
        .select_related("user", "channel")
        .order_by("created_at", "id")
    )


def application_get(pk: int) -> CreatorApplication:
    try:
        return CreatorApplication.objects.select_related("user", "channel", "decided_by").get(pk=pk)
    except CreatorApplication.DoesNotExist:
        raise Http404("application not found") from None


def review_records(limit: int = 100) -> QuerySet[ReviewRecord]:
    return ReviewRecord.objects.select_related("staff", "application", "article", "revision")[
        :limit
    ]


def article_first_approval(article: Article) -> bool:
    """No staff member has passed this article before (an edit or a second review of it does
    not count towards 先审后发 again)."""
    return not ReviewRecord.objects.filter(
        article=article, decision=ReviewRecord.Decision.APPROVE
    ).exists()


def articles_pending_review() -> QuerySet[Article]:
    """The review queue, oldest submission first: articles waiting to go out, and published
    articles with an edit waiting (``revision_title`` and ``submitted_at`` set from it).
    Index article_pub_idx (status, ...) narrows to the pending articles; the partial unique
    index one_pending_revision_per_article finds the edits."""
    pending = ArticleRevision.objects.filter(
        article=OuterRef("pk"), status=ArticleRevision.Status.PENDING
    )
    edited = ArticleRevision.objects.filter(status=ArticleRevision.Status.PENDING).values(
        "article_id"
    )
    return (
        Article.objects.filter(deleted_at__isnull=True)
        .filter(
            Q(status=Article.Status.PENDING) | Q(status=Article.Status.PUBLISHED, pk__in=edited)
        )
        .select_related("creator", "channel")
        .defer("body_html")
        .annotate(
            revision_title=Subquery(pending.values("title")[:1]),
            submitted_at=Coalesce(Subquery(pending.values("updated_at")[:1]), F("updated_at")),
        )
        .order_by("submitted_at", "id")
    )


def article_get_for_review(pk: int) -> Article:
    try:
        return (
            Article.objects.select_related("creator", "channel")
            .prefetch_related("references", "topics")
            .get(pk=pk)
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None
