"""Cache invalidation only. Feeds and the other sitemaps are tagged ``lists`` or
``creator:<id>``, which ``articles.signals`` already bumps on every article write; an article
sitemap page is tagged with its own id range, so a publish empties one page of the article
sitemaps, not all of them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from openhao.articles.models import Article
from openhao.common.cache import bump_tags

from .tags import sitemap_articles_tag, sitemap_range_page


@receiver([post_save, post_delete], sender=Article)
def _article_changed(sender, instance: Article, **kwargs):
    bump_tags(sitemap_articles_tag(sitemap_range_page(instance.pk)))
