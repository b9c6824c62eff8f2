"""The audit trail of staff decisions. ReviewRecord moved here from creators with its table
(``creators_reviewrecord``): the rows written before the move are the same rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewRecord(models.Model):
    """Append-only audit trail of staff decisions (who decided what, when and why) about
    applications and articles. Rows are never updated or deleted by the application."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("驳回")

    application = models.ForeignKey(
        "creators.CreatorApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    # Set when the decision was about an edit of a published article (its ArticleRevision).
    revision = models.ForeignKey(
        "articles.ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        db_table = "creators_reviewrecord"
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False, article__isnull=True)
                | models.Q(application__isnull=True, article__isnull=False),
                name="review_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("review records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("review records are append-only")
