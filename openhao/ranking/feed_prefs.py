"""The reader's 推荐 feed preferences: articles hidden and creators muted (the feed leaves them
out, ``selectors._personal_page``)."""

from __future__ import annotations

from django.db import transaction

from openhao.articles.models import Article
from openhao.creators.models import Creator

from .models import FeedHidden, FeedMuted


@transaction.atomic
def feed_hide(*, user, article_id: int) -> bool:
    """Hide an article from the reader's feed. Idempotent; False when there is no such
    public article."""
    if not Article.objects.public().filter(pk=article_id).exists():
        return False
    FeedHidden.objects.get_or_create(user=user, article_id=article_id)
    return True


@transaction.atomic
def feed_mute(*, user, creator_id: int) -> bool:
    """Mute a creator in the reader's feed. Idempotent; False when there is no such creator."""
    if not Creator.objects.filter(pk=creator_id).exists():
        return False
    FeedMuted.objects.get_or_create(user=user, creator_id=creator_id)
    return True
