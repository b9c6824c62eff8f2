"""Background work of the search index (Django's Tasks API; inline by default)."""

from django_tasks import task


@task()
def reindex_channel(channel_id: int) -> int:
    """A channel was renamed: its public articles' entries carry the new name."""
    from .services import search_reindex_channel

    return search_reindex_channel(channel_id=channel_id)


@task()
def reindex_articles(article_ids: list[int]) -> int:
    """A topic was renamed or deleted: the entries of the articles that had it."""
    from .services import search_reindex_articles

    return search_reindex_articles(article_ids=article_ids)
