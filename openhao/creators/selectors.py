from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Creator, CreatorApplication


def creator_get(pk: int) -> Creator:
    try:
        # The user for the page's IP属地 (accounts.ipregion).
        return Creator.objects.select_related("user").prefetch_related("badges").get(pk=pk)
    except Creator.DoesNotExist:
        raise Http404("creator not found") from None


def application_latest(user) -> CreatorApplication | None:
    return (
        CreatorApplication.objects.filter(user=user)
        .select_related("channel", "decided_by")
        .order_by("-created_at", "-id")
        .first()
    )


def application_history(user) -> QuerySet[CreatorApplication]:
    return CreatorApplication.objects.filter(user=user).select_related("decided_by")
