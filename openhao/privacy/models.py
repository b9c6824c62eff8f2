"""注销 (account deletion) requests and 个人信息副本 (data exports): docs/reader-data.md."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountDeletion(models.Model):
    """A reader's 注销 request: erased when ``due_at`` has passed (the periodic job), unless
    the reader signed in before (cancelled). The row stays as the record of what was done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("冷静期中")
        CANCELLED = "cancelled", _("已撤销")
        DONE = "done", _("已注销")

    class Comments(models.TextChoices):
        KEEP = "keep", _("保留跟贴内容，作者显示为“用户已注销”")
        REMOVE = "remove", _("删除跟贴内容")

    class Articles(models.TextChoices):
        UNPUBLISH = "unpublish", _("撤下我发布的全部文章")
        KEEP = "keep", _("保留文章，作者显示为“已注销作者”")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion_requests"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    comments = models.CharField(max_length=10, choices=Comments.choices, default=Comments.KEEP)
    articles = models.CharField(max_length=10, choices=Articles.choices, default=Articles.UNPUBLISH)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("注销申请")
        verbose_name_plural = _("注销申请")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="deletion_one_pending"
            )
        ]
        indexes = [
            # services.deletions_run: the pending requests that are due.
            models.Index(
                fields=["due_at"], condition=models.Q(status="pending"), name="deletion_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status}"


class DataExport(models.Model):
    """A 个人信息副本: a ZIP built by a task, downloadable by its owner from a private URL
    (``token``) until ``expires_at``; the periodic job deletes the file after that."""

    class Status(models.TextChoices):
        PENDING = "pending", _("生成中")
        READY = "ready", _("可下载")
        EXPIRED = "expired", _("已过期")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Relative to OPENHAO_EXPORT_DIR, outside MEDIA_ROOT: served only to its owner.
    path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("个人信息副本")
        verbose_name_plural = _("个人信息副本")
        indexes = [
            # The export page: a reader's exports, newest first.
            models.Index(fields=["user", "-created_at"], name="export_user_idx"),
            # services.exports_expire: ready exports past their time.
            models.Index(
                fields=["expires_at"], condition=models.Q(status="ready"), name="export_expiry_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status}"
