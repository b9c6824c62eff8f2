"""Reads of the importer's studio page."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from openhao.creators.models import Creator

from .models import FeedRun, FeedSubscription

RUNS_SHOWN = 5


def creator_subscriptions(creator: Creator) -> QuerySet[FeedSubscription]:
    """A creator's feeds, newest first, each with its last RUNS_SHOWN runs (two queries: the
    feeds, and the runs by a windowed prefetch on feedrun_sub_idx)."""
    runs = FeedRun.objects.order_by("-started_at", "-id")[:RUNS_SHOWN]
    return (
        FeedSubscription.objects.filter(creator=creator)
        .order_by("-created_at", "-id")
        .prefetch_related(Prefetch("runs", queryset=runs, to_attr="last_runs"))
    )


def creator_subscription_get(creator: Creator, pk: int) -> FeedSubscription:
    """One of the creator's feeds; Http404 for anyone else's."""
    return get_object_or_404(FeedSubscription, pk=pk, creator=creator)
