"""Cache invalidation only. A creator's name and avatar appear in lists across the site, so a
profile change also bumps the list tag."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from openhao.common.cache import LISTS_TAG, bump_tags, creator_tag

from .models import Badge, Creator


@receiver(post_save, sender=Creator)
def _creator_changed(sender, instance: Creator, **kwargs):
    bump_tags(creator_tag(instance.pk), LISTS_TAG)


@receiver(m2m_changed, sender=Creator.badges.through)
def _creator_badges_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Creator):
        bump_tags(creator_tag(instance.pk))


@receiver(post_save, sender=Badge)
def _badge_changed(sender, instance: Badge, **kwargs):
    bump_tags(
        LISTS_TAG, *[creator_tag(pk) for pk in instance.creators.values_list("pk", flat=True)]
    )
