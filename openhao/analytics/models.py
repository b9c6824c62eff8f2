from django.db import models
from django.utils.translation import gettext_lazy as _

from openhao.articles.models import Article
from openhao.creators.models import Creator


class ArticleDailyStats(models.Model):
    """Engagement with one article on one day (Asia/Shanghai calendar day): one row per
    article per day, incremented by services.stats_record as events happen."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_stats")
    # Denormalised so that a creator's charts need no join through articles.
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    reads = models.PositiveIntegerField(_("阅读"), default=0)
    likes = models.PositiveIntegerField(_("点赞"), default=0)
    comments = models.PositiveIntegerField(_("评论"), default=0)
    shares = models.PositiveIntegerField(_("分享"), default=0)

    class Meta:
        verbose_name = _("文章每日数据")
        verbose_name_plural = _("文章每日数据")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="article_stats_one_per_day")
        ]
        # selectors.creator_series: one creator's rows over a date range.
        indexes = [models.Index(fields=["creator", "day"], name="article_stats_creator_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}"


class CreatorDailyStats(models.Model):
    """New followers of a creator on one day."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField(_("日期"))
    new_followers = models.PositiveIntegerField(_("新增关注"), default=0)

    class Meta:
        verbose_name = _("创作者每日数据")
        verbose_name_plural = _("创作者每日数据")
        constraints = [
            models.UniqueConstraint(fields=["creator", "day"], name="creator_stats_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.day}"
