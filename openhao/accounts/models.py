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


class AccessToken(models.Model):
    """A personal access token for the JSON API (openhao.api, docs/api.md). Only the SHA-256 of
    the token is stored: the token itself is shown once, when it is created, and a database
    leak gives no working token. The token has 256 bits of randomness, so an unsalted fast hash
    is enough (nothing to guess from the hash)."""

    SCOPES = ("read", "write", "studio")

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("名称"), max_length=40)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, to recognise it in the list (not enough to use it).
    prefix = models.CharField(max_length=12)
    # Space-separated subset of SCOPES.
    scopes = models.CharField(_("权限"), max_length=40, default="read")
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute per token (accounts.services.token_resolve).
    last_used_at = models.DateTimeField(_("最后使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        indexes = [models.Index(fields=["user", "-created_at"], name="token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
