"""Cache invalidation only: every write path (services, admin, shell) bumps the tags of the
pages and fragments that show the changed object.

Tags in use: ``article:<id>`` (its page), ``creator:<id>`` (the creator page and the author card
on each of their articles) and ``lists`` (home, channel, topic and platform pages, and the
site-wide list fragments).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from openhao.common.cache import LISTS_TAG, article_tag, bump_tags, creator_tag

from .models import Article, ArticleChange, Channel, Reference, Section, Topic


@receiver([post_save, post_delete], sender=Article)
def _article_changed(sender, instance: Article, **kwargs):
    bump_tags(article_tag(instance.pk), creator_tag(instance.creator_id), LISTS_TAG)


@receiver(m2m_changed, sender=Article.topics.through)
def _article_topics_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Article):
        bump_tags(article_tag(instance.pk), LISTS_TAG)


@receiver([post_save, post_delete], sender=Reference)
def _reference_changed(sender, instance: Reference, **kwargs):
    bump_tags(article_tag(instance.article_id))


@receiver([post_save, post_delete], sender=ArticleChange)
def _change_logged(sender, instance: ArticleChange, **kwargs):
    # The article page's 已更正 line and the change-log page carry the article's tag.
    bump_tags(article_tag(instance.article_id))


@receiver([post_save, post_delete], sender=Channel)
@receiver([post_save, post_delete], sender=Section)
@receiver([post_save, post_delete], sender=Topic)
def _structure_changed(sender, instance, **kwargs):
    bump_tags(LISTS_TAG)
