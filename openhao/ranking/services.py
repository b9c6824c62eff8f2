"""Writes of ranking data: the functions other apps call. Each subsystem has a module of its
own, and this one names what the rest of the site may call from them:

- ``scores``: hot scores and the Redis hot sets;
- ``text_index``: keywords, IDF, embeddings and 相关推荐 (and the hooks search follows);
- ``feed_prefs``: the reader's 推荐 feed preferences (hide an article, mute a creator);
- ``history``: the signed-in readers' reading history.

``article_content_changed`` is the one write that spans two of them."""

from __future__ import annotations

from django.db import transaction

from .feed_prefs import feed_hide, feed_mute
from .history import (
    HISTORY_PER_USER,
    read_history_clear,
    read_history_record,
    read_history_remove,
    reader_data_erase,
)
from .scores import (
    article_engagement_changed,
    article_score_refresh,
    articles_engagement_changed,
    hot_set_rebuild,
    scores_rebuild,
)
from .tasks import article_discovery_update as discovery_task
from .text_index import (
    LENGTH_TERM,
    article_discovery_update,
    article_embedding_index,
    article_terms_index,
    embeddings_export,
    embeddings_rebuild,
    idf_refresh,
    related_compute,
    related_refresh,
    terms_rebuild,
)

__all__ = [
    "HISTORY_PER_USER",
    "LENGTH_TERM",
    "article_content_changed",
    "article_discovery_update",
    "article_embedding_index",
    "article_engagement_changed",
    "article_score_refresh",
    "article_terms_index",
    "articles_engagement_changed",
    "embeddings_export",
    "embeddings_rebuild",
    "feed_hide",
    "feed_mute",
    "hot_set_rebuild",
    "idf_refresh",
    "read_history_clear",
    "read_history_record",
    "read_history_remove",
    "reader_data_erase",
    "related_compute",
    "related_refresh",
    "scores_rebuild",
    "terms_rebuild",
]


def article_content_changed(*, article_id: int) -> None:
    """Call after an article is published, edited or removed (the articles app does, through
    its ``article_changed`` hook): its score row and hot-set entry follow now; keywords,
    related articles and the search entry follow in a task."""
    article_score_refresh(article_id=article_id)
    # A backend that can hold a task for later (``supports_defer``) hands it to a worker, which
    # must not read the article before this transaction commits; one that cannot (the
    # immediate backend) runs it now, inside the transaction, where the writes are visible.
    if discovery_task.get_backend().supports_defer and transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: discovery_task.enqueue(article_id))
    else:
        discovery_task.enqueue(article_id)
