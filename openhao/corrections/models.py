"""Readers' 纠错: a suggestion that a quoted passage of an article is wrong. The public change
log itself (更正记录) is ``articles.ArticleChange``, written by the articles' services whenever
what readers see changes; this app adds the readers' side and the log's page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openhao.articles.models import Article, ArticleChange, ArticleRevision

PASSAGE_MAX = 300
SUGGESTION_MAX = 1000


class Suggestion(models.Model):
    """纠错: a signed-in reader quotes a passage of a public article and says what is wrong.
    Seen by the article's creator only (studio), who accepts it — the edit it leads to is a
    更正 and the suggestion points at it — or dismisses it; the reader is notified either way."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        DISMISSED = "dismissed", _("未采纳")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    # The quoted passage as the reader selected it, spaces collapsed (the uniqueness key).
    passage = models.CharField(_("原文"), max_length=PASSAGE_MAX)
    text = models.CharField(_("纠错意见"), max_length=SUGGESTION_MAX)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The correction it led to: the log entry, or the edit waiting for review (先审后发) whose
    # entry is written when it is approved (ArticleChange.revision).
    change = models.ForeignKey(
        ArticleChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.ForeignKey(
        ArticleRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("读者纠错")
        verbose_name_plural = _("读者纠错")
        constraints = [
            # One open suggestion per reader per passage: a second one waits for the first.
            models.UniqueConstraint(
                fields=["user", "article", "passage"],
                condition=models.Q(status="open"),
                name="one_open_suggestion_per_passage",
            )
        ]
        indexes = [
            # The studio's list: a creator's articles' open suggestions, newest first.
            models.Index(
                fields=["article", "status", "-created_at"], name="suggestion_article_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.passage[:20]}"
