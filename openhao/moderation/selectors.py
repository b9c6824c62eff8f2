"""Reads of moderation: the queues staff work through and the audit log."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from openhao.articles.models import Article, ArticleRevision
from openhao.creators.models import CreatorApplication
from openhao.engagement.models import Comment

from .models import ArticleHold, ReviewRecord, SpamFlag, WordList


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


# --- content moderation: held comments, held articles, spam flags, word lists -----------------


def held_comments() -> QuerySet[Comment]:
    """Comments waiting for review (先审后显, a review-word or a spam rule), oldest first, for the
    operators' queue (modcontent:comments, and the moderation queue's registry)."""
    return (
        Comment.objects.filter(moderation_state=Comment.State.HELD, is_deleted=False)
        .select_related("user", "article")
        .only(
            "id", "body", "created_at", "article_id", "user_id", "moderation_state",
            "article__id", "article__title", "user__id", "user__username", "user__nickname",
        )
        .order_by("created_at", "id")
    )  # fmt: skip


def held_comments_count() -> int:
    return Comment.objects.filter(moderation_state=Comment.State.HELD, is_deleted=False).count()


def held_articles() -> QuerySet[Article]:
    """Articles sent to review by a review-word or the 原创 check (open ArticleHold), with the
    hold's reason and match; staff decide them in the 先审后发 queue (review:article)."""
    holds = ArticleHold.objects.filter(article=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Article.objects.filter(
            deleted_at__isnull=True,
            pk__in=ArticleHold.objects.filter(resolved_at__isnull=True).values("article_id"),
        )
        .select_related("creator")
        .defer("body_html")
        .annotate(
            hold_reason=Subquery(holds.order_by("-created_at").values("reason")[:1]),
            hold_matched_id=Subquery(holds.order_by("-created_at").values("matched_id")[:1]),
            hold_similarity=Subquery(holds.order_by("-created_at").values("similarity")[:1]),
        )
        .order_by("updated_at", "id")
    )


def held_articles_count() -> int:
    return (
        ArticleHold.objects.filter(resolved_at__isnull=True, article__deleted_at__isnull=True)
        .values("article_id")
        .distinct()
        .count()
    )


def spam_flags(limit: int = 100) -> QuerySet[SpamFlag]:
    return SpamFlag.objects.select_related("user")[:limit]


def word_lists() -> QuerySet[WordList]:
    return WordList.objects.annotate(word_count=Count("words")).order_by("name")


def word_list_get(pk: int) -> WordList:
    try:
        return WordList.objects.get(pk=pk)
    except WordList.DoesNotExist:
        raise Http404("word list not found") from None


def creator_comments(*, user, held_only: bool = False, limit: int = 100) -> QuerySet[Comment]:
    """Comments under the articles of the creator ``user`` (the studio's 跟贴管理), newest
    first; held ones first when ``held_only``."""
    qs = Comment.objects.filter(article__creator__user=user, is_deleted=False).exclude(
        moderation_state=Comment.State.REMOVED
    )
    if held_only:
        qs = qs.filter(moderation_state=Comment.State.HELD)
    return qs.select_related("user", "article").order_by("-created_at", "-id")[:limit]


def creator_articles_for_comments(*, user) -> QuerySet[Article]:
    return (
        Article.objects.public()
        .filter(creator__user=user)
        .only("id", "title", "comment_mode", "comment_count")
        .order_by("-published_at")[:50]
    )
