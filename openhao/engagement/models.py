"""What readers do with creators and articles. Each "once per user" rule is a unique constraint,
so concurrent double clicks cannot count twice whatever the Python code checks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openhao.creators.models import Creator


class Follow(models.Model):
    """A reader follows (关注) a creator. Creator.follower_count counts these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [
            # Also the index of "does this user follow X" and of 我的关注 (selectors).
            models.UniqueConstraint(fields=["user", "creator"], name="follow_once"),
        ]
        indexes = [
            # 我的关注: a user's follows, newest first (selectors.followed_creators).
            models.Index(fields=["user", "-created_at"], name="follow_user_new_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.creator_id}"
