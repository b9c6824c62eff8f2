from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Creator, CreatorApplication, ReviewRecord


def creator_get(pk: int) -> Creator:
    try:
        return Creator.objects.prefetch_related("badges").get(pk=pk)
    except Creator.DoesNotExist:
        raise Http404("creator not found") from None


def application_latest(user) -> CreatorApplication | None:
    return (
        CreatorApplication.objects.filter(user=user)
        .select_related("channel", "decided_by")
        .order_by("-created_at", "-id")
        .first()
    )


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


def application_history(user) -> QuerySet[CreatorApplication]:
    return CreatorApplication.objects.filter(user=user).select_related("decided_by")


def review_records(limit: int = 100) -> QuerySet[ReviewRecord]:
    return ReviewRecord.objects.select_related("staff", "application", "article", "revision")[
        :limit
    ]
