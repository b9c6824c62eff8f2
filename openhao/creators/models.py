from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openhao.common.urls import url_for_pk


def _rgb(value: str) -> tuple[int, int, int] | None:
    value = (value or "").strip().lower()
    if len(value) == 4 and value.startswith("#"):  # #abc
        value = "#" + "".join(c * 2 for c in value[1:])
    try:
        return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5)) if len(value) == 7 else None
    except ValueError:
        return None


def _nearest_colour(value: str) -> str:
    """The palette colour closest to ``value`` (the default for anything unreadable)."""
    if value in Badge.Colour.values:
        return value
    rgb = _rgb(value)
    if rgb is None:
        return Badge.Colour.RED
    return min(
        Badge.Colour.values,
        key=lambda c: sum((a - b) ** 2 for a, b in zip(_rgb(c), rgb, strict=True)),
    )


class Badge(models.Model):
    """An incentive or honour icon shown on the author card (e.g. 优质创作者)."""

    class Colour(models.TextChoices):
        """A fixed palette: each colour is a class in site.css, because the pages are cached
        whole under a Content-Security-Policy that refuses inline styles (docs/caching.md)."""

        RED = "#c4302b", _("红色")
        BLUE = "#1f6feb", _("蓝色")
        GREEN = "#2e9d5b", _("绿色")
        ORANGE = "#d97706", _("橙色")
        PURPLE = "#8e44ad", _("紫色")
        GREY = "#5f6b7a", _("灰色")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("名称"), max_length=30)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # A short glyph keeps badges dependency-free; an icon image can replace it later.
    symbol = models.CharField(_("图标字符"), max_length=4, default="★")
    # One of Colour (the admin offers only those); an older free value shows as the nearest.
    color = models.CharField(_("颜色"), max_length=7, default=Colour.RED)

    class Meta:
        verbose_name = _("徽章")
        verbose_name_plural = _("徽章")

    def __str__(self) -> str:
        return self.name

    @property
    def css_class(self) -> str:
        return f"badge-{self.Colour(_nearest_colour(self.color)).name.lower()}"


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
    main_channel = models.ForeignKey(
        "articles.Channel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主要领域"),
    )
    # Articles that passed staff review (先审后发); at OPENHAO_PREREVIEW_ARTICLES the creator
    # publishes without review.
    approved_article_count = models.PositiveIntegerField(_("已审核通过文章数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("创作者")
        verbose_name_plural = _("创作者")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return url_for_pk("articles:creator", self.pk)

    @property
    def initial(self) -> str:
        return self.display_name[:1]


class CreatorApplication(models.Model):
    """One 申请入驻. A rejected applicant files a new application; the old one stays as history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("审核中")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_applications"
    )
    display_name = models.CharField(_("号名称"), max_length=20)
    avatar = models.ImageField(_("头像"), upload_to="applications/%Y/%m/", blank=True)
    motto = models.CharField(_("签名"), max_length=80)
    channel = models.ForeignKey(
        "articles.Channel", on_delete=models.PROTECT, related_name="+", verbose_name=_("主要领域")
    )
    intro = models.TextField(_("自我介绍"), max_length=2000)
    links = models.TextField(_("代表作品链接"), blank=True)
    real_name_confirmed = models.BooleanField(_("实名确认"), default=False)
    rules_accepted = models.BooleanField(_("同意内容规范"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("未通过原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )

    class Meta:
        verbose_name = _("入驻申请")
        verbose_name_plural = _("入驻申请")
        ordering = ["created_at", "id"]
        constraints = [
            # At most one open application per person.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_application_per_user",
            )
        ]
        # moderation.selectors.applications_pending: the review queue, oldest first.
        indexes = [models.Index(fields=["status", "created_at"], name="application_queue_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]
