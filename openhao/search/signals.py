"""Index upkeep for writes that bypass the article services, mostly from the admin.

- Hard deletes (the admin, a creator's account cascading) run no publish/edit task: the article
  leaves the search index here. The ranking tables follow by their foreign keys; the search
  tables are the engine's own (an FTS5 table has no foreign keys).
- Channel and topic names are indexed with each article (services.tag_terms): renaming a channel
  or a topic, or deleting a topic, re-indexes the articles concerned, in tasks after the commit
  (a popular topic has many articles)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from openhao.articles.models import Article, Channel, Topic

from .backends import get_backend
from .tasks import reindex_articles, reindex_channel

REINDEX_BATCH = 1000


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance: Article, **kwargs):
    get_backend().delete([instance.pk])


@receiver(pre_save, sender=Channel)
@receiver(pre_save, sender=Topic)
def _remember_indexed_name(sender, instance, **kwargs):
    if instance.pk is not None:
        instance._indexed_name = (
            sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        )


def _renamed(instance, created: bool) -> bool:
    return not created and getattr(instance, "_indexed_name", instance.name) != instance.name


def _topic_article_ids(topic_id: int) -> list[int]:
    return list(
        Article.topics.through.objects.filter(topic_id=topic_id).values_list(
            "article_id", flat=True
        )
    )


def _enqueue_reindex(article_ids: list[int]) -> None:
    for start in range(0, len(article_ids), REINDEX_BATCH):
        reindex_articles.enqueue(article_ids[start : start + REINDEX_BATCH])


@receiver(post_save, sender=Channel)
def _channel_saved(sender, instance: Channel, created: bool, **kwargs):
    if _renamed(instance, created):
        pk = instance.pk
        transaction.on_commit(lambda: reindex_channel.enqueue(pk))


@receiver(post_save, sender=Topic)
def _topic_saved(sender, instance: Topic, created: bool, **kwargs):
    if _renamed(instance, created):
        pk = instance.pk
        transaction.on_commit(lambda: _enqueue_reindex(_topic_article_ids(pk)))


@receiver(pre_delete, sender=Topic)
def _topic_deleting(sender, instance: Topic, **kwargs):
    # After the delete the through rows are gone: remember whom to re-index now.
    instance._indexed_article_ids = _topic_article_ids(instance.pk)


@receiver(post_delete, sender=Topic)
def _topic_deleted(sender, instance: Topic, **kwargs):
    ids = getattr(instance, "_indexed_article_ids", [])
    if ids:
        transaction.on_commit(lambda: _enqueue_reindex(ids))
