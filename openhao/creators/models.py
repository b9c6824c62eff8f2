from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openhao.common.urls import url_for_pk


class Badge(models.Model):
    """An incentive or honour icon shown on the author card (e.g. 优质创作者)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("名称"), max_length=30)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # A short glyph keeps badges dependency-free; an icon image can replace it later.
    symbol = models.CharField(_("图标字符"), max_length=4, default="★")
    color = models.CharField(_("颜色"), max_length=7, default="#c4302b")

    class Meta:
        verbose_name = _("徽章")
        verbose_name_plural = _("徽章")

    def __str__(self) -> str:
        return self.name


class Creator(models.Model):
    """A creator's public profile (号). article_count and follower_count are denormalised so the
    author card needs no aggregate query; services keep them in step."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="creator"
    )
    display_name = models.CharField(_("号名称"), max_length=20, unique=True)
    avatar = models.ImageField(_("头像"), upload_to="avatars/%Y/%m/", blank=True)
    motto = models.CharField(_("签名"), max_length=80, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    verified = models.BooleanField(_("已认证"), default=False)
    badges = models.ManyToManyField(Badge, blank=True, related_name="creators")
    article_count = models.PositiveIntegerField(_("文章数"), default=0)
    follower_count = models.PositiveIntegerField(_("关注度"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("创作者")
        verbose_name_plural = _("创作者")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return url_for_pk("creators:detail", self.pk)

    @property
    def initial(self) -> str:
        return self.display_name[:1]
