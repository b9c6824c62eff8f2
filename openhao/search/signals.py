"""Hard deletes (the admin, a creator's account cascading) run no publish/edit task: drop the
article from the search index here. The ranking tables follow by their foreign keys; the search
tables are the engine's own (an FTS5 table has no foreign keys)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from openhao.articles.models import Article

from .backends import get_backend


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance: Article, **kwargs):
    get_backend().delete([instance.pk])
