from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The platform's account. Creators are readers with a creator profile attached."""

    nickname = models.CharField(_("昵称"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def public_name(self) -> str:
        return self.nickname or self.username
