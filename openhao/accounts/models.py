from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

DELETED_NAME = _("用户已注销")


class User(AbstractUser):
    """The platform's account. Creators are readers with a creator profile attached."""

    nickname = models.CharField(_("昵称"), max_length=30, blank=True)
    # Re-encoded by accounts.services.profile_update (square, at most AVATAR_SIZE px).
    avatar = models.ImageField(_("头像"), upload_to="user-avatars/%Y/%m/", blank=True)
    motto = models.CharField(_("签名"), max_length=80, blank=True)
    # IP属地: the province (or country) of the address last used for writing, resolved by
    # accounts.ipregion; never the address itself. Public, like the nickname.
    ip_region = models.CharField(_("IP属地"), max_length=20, blank=True)
    # 阅读历史 settings (ranking.history): paused means reads are not stored; reads buffered
    # before ``history_cleared_at`` are dropped when the buffer is flushed.
    history_paused = models.BooleanField(_("暂停记录阅读历史"), default=False)
    history_cleared_at = models.DateTimeField(null=True, blank=True)
    # Set when the account was erased after 注销 (privacy.services): the row stays as the
    # author of what others may still see ("用户已注销"), with no personal data left.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def public_name(self) -> str:
        if self.deleted_at is not None:
            return str(DELETED_NAME)
        return self.nickname or self.username

    @property
    def initial(self) -> str:
        return self.public_name[:1]
