from django.db import models

from openhao.articles.models import Article, Channel
from openhao.creators.models import Creator


class ArticleScore(models.Model):
    """Denormalised ranking row of one public article: exactly the columns the hot and top-story
    queries filter and sort on, so those queries never touch the article table's wide rows.
    Only published articles have a row (``services.article_score_refresh`` keeps it so)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()
    hot = models.FloatField(default=0.0)

    class Meta:
        indexes = [
            # selectors._hot_from_db: highest scores first; recent articles dominate the top
            # because the score grows with publish time, so the window filter stops early.
            models.Index(fields=["-hot"], name="ranking_hot_idx"),
            # selectors._top_from_db: per channel, highest scores first.
            models.Index(fields=["channel", "-hot"], name="ranking_channel_hot_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.hot:.3f}"
