"""Writes of engagement. Each function is one transaction; counters on Creator and Article move
with F() expressions in the same transaction as the row that justifies them, and only when that
row was really inserted or deleted, so repeated or concurrent calls are idempotent (the unique
constraints decide, not a check in Python)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from openhao.common.cache import bump_tags
from openhao.creators.models import Creator

from .models import Follow


def _bump_on_commit(*tags: str) -> None:
    transaction.on_commit(lambda: bump_tags(*tags))


@transaction.atomic
def follow_create(*, user, creator: Creator) -> bool:
    """Follow ``creator``. True when a follow was added, False when it already existed."""
    if creator.user_id == user.pk:
        raise PermissionDenied(_("不能关注自己。"))
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives a duplicate
            Follow.objects.create(user=user, creator=creator)
    except IntegrityError:
        return False
    Creator.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
    _bump_on_commit(f"creator:{creator.pk}")
    return True


@transaction.atomic
def follow_delete(*, user, creator: Creator) -> bool:
    """Unfollow. True when a follow was removed, False when there was none."""
    deleted, _ = Follow.objects.filter(user=user, creator=creator).delete()
    if not deleted:
        return False
    Creator.objects.filter(pk=creator.pk, follower_count__gt=0).update(
        follower_count=F("follower_count") - 1
    )
    _bump_on_commit(f"creator:{creator.pk}")
    return True
