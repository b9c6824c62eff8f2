"""Reads of engagement. Each query names the index it relies on (models.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from openhao.articles import selectors as article_selectors
from openhao.articles.models import Article
from openhao.creators.models import Creator

from .models import Follow


def is_following(*, user, creator_id: int) -> bool:
    # follow_once (user, creator)
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, creator_id=creator_id).exists()


def follower_count(creator_id: int) -> int:
    return Creator.objects.values_list("follower_count", flat=True).get(pk=creator_id)


def followed_creators(*, user) -> QuerySet[Creator]:
    """我的关注: the creators a user follows, most recently followed first
    (follow_user_new_idx, then the creators by primary key)."""
    return (
        Creator.objects.filter(followers__user=user)
        .only(
            "id", "display_name", "avatar", "motto", "verified", "article_count", "follower_count"
        )
        .order_by("-followers__created_at", "-id")
    )


def following_timeline(*, user) -> QuerySet[Article]:
    """Newest articles of the creators a user follows: a semi-join on follow_once feeding
    article_creator_pub_idx range scans."""
    followed = Follow.objects.filter(user=user).values("creator_id")
    return (
        article_selectors.list_queryset()
        .filter(creator_id__in=followed)
        .order_by("-published_at", "-id")
    )
