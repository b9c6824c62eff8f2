"""Writes of the search index. ``search_index_article`` runs in ranking's article discovery task
on publish, edit and removal, ``search_index_rebuild`` after its bulk rebuild (both through
openhao.ranking.hooks, connected in apps.py); the tasks in ``tasks.py`` re-index the articles
of a renamed channel or of a renamed or deleted topic (``signals.py``)."""

from __future__ import annotations

from openhao.articles.models import PUBLIC_FIELDS, Article
from openhao.common.text import html_to_text, normalize, search_terms

from .backends import Entry, get_backend

BODY_CHARS = 5000  # indexed length of summary + body; the start of an article says what it is


def tag_terms(channel_name: str, topic_names) -> list[str]:
    """The words of an article's channel and topic names, as indexed beside title and body."""
    text = " ".join([channel_name, *topic_names])
    return list(dict.fromkeys(search_terms(normalize(text))))


def _entry(article: Article) -> Entry:
    body = f"{article.summary} {html_to_text(article.body_html)}"[:BODY_CHARS]
    return Entry(
        article_id=article.pk,
        channel_id=article.channel_id,
        published_at=article.published_at,
        title_terms=search_terms(normalize(article.title)),
        body_terms=search_terms(normalize(body)),
        tag_terms=tag_terms(article.channel.name, [t.name for t in article.topics.all()]),
    )


_FIELDS = ("id", "title", "summary", "body_html", "channel_id", "channel__name", *PUBLIC_FIELDS)


def _indexable():
    return Article.objects.select_related("channel").prefetch_related("topics").only(*_FIELDS)


def search_index_article(*, article_id: int) -> bool:
    """Index the article if it is public, drop it otherwise. Returns whether it is indexed."""
    article = _indexable().filter(pk=article_id).first()
    backend = get_backend()
    if article is None or not article.is_public:
        backend.delete([article_id])
        return False
    backend.upsert([_entry(article)])
    return True


def _public():
    return _indexable().public()


def _upsert_all(articles, *, batch_size: int) -> int:
    backend = get_backend()
    count = 0
    batch = []
    for article in articles.iterator(chunk_size=batch_size):
        batch.append(_entry(article))
        if len(batch) >= batch_size:
            backend.upsert(batch)
            count += len(batch)
            batch = []
    backend.upsert(batch)
    return count + len(batch)


def search_index_rebuild(*, batch_size: int = 1000) -> int:
    """Re-index every public article (after bulk loads). Returns the number indexed."""
    get_backend().clear()
    return _upsert_all(_public().order_by("pk"), batch_size=batch_size)


def search_reindex_channel(*, channel_id: int, batch_size: int = 1000) -> int:
    """Re-index the public articles of a channel (its name is part of their entries)."""
    # article_channel_pub_idx (channel, status, ...)
    return _upsert_all(
        _public().filter(channel_id=channel_id).order_by("pk"), batch_size=batch_size
    )


def search_reindex_articles(*, article_ids, batch_size: int = 1000) -> int:
    """Re-index these articles (after a topic they had was renamed or deleted); the ones that
    are not public are dropped from the index."""
    ids = list(article_ids)
    get_backend().delete(ids)
    return _upsert_all(_public().filter(pk__in=ids).order_by("pk"), batch_size=batch_size)
