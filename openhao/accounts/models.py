from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The platform's account. Creators are readers with a creator profile attached."""

    nickname = models.CharField(_("昵称"), max_length=30, blank=True)
    # Re-encoded by accounts.services.profile_update (square, at most AVATAR_SIZE px).
    avatar = models.ImageField(_("头像"), upload_to="user-avatars/%Y/%m/", blank=True)
    motto = models.CharField(_("签名"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def public_name(self) -> str:
        return self.nickname or self.username

    @property
    def initial(self) -> str:
        return self.public_name[:1]
