"""Background work of the ranking app (Django's Tasks API through the django-tasks backport;
the default immediate backend runs them inline)."""

from django_tasks import task

from . import text_index


@task()
def article_discovery_update(article_id: int) -> None:
    """After publish, edit or removal: the article's keywords, its 相关推荐 and its search
    entry."""
    text_index.article_discovery_update(article_id=article_id)


@task()
def idf_refresh() -> int:
    """Recount the IDF table over the public articles and re-weight every keyword vector. Run
    it periodically (e.g. nightly) with a queued backend's worker or from cron."""
    return text_index.idf_refresh()
