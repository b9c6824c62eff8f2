from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Badge, Creator


@transaction.atomic
def creator_create(
    *,
    username: str,
    display_name: str,
    motto: str = "",
    bio: str = "",
    verified: bool = False,
    avatar: str = "",
    badges: Sequence[Badge] = (),
) -> Creator:
    """A user account with a creator profile. Onboarding (申请入驻) will call this on approval."""
    user = get_user_model().objects.create_user(username=username, nickname=display_name)
    creator = Creator.objects.create(
        user=user,
        display_name=display_name,
        motto=motto,
        bio=bio,
        verified=verified,
        avatar=avatar,
    )
    if badges:
        creator.badges.set(badges)
    return creator
