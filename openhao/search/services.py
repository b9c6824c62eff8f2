"""Writes of the search index. ``search_index_article`` runs in the article discovery task on
publish, edit and removal (openhao.ranking.tasks)."""

from __future__ import annotations

from openhao.articles.models import Article
from openhao.common.text import html_to_text, normalize, search_terms

from .backends import Entry, get_backend

BODY_CHARS = 5000  # indexed length of summary + body; the start of an article says what it is


def _entry(article: Article) -> Entry:
    body = f"{article.summary} {html_to_text(article.body_html)}"[:BODY_CHARS]
    return Entry(
        article_id=article.pk,
        channel_id=article.channel_id,
        published_at=article.published_at,
        title_terms=search_terms(normalize(article.title)),
        body_terms=search_terms(normalize(body)),
    )


_FIELDS = ("id", "title", "summary", "body_html", "status", "published_at", "channel_id")


def search_index_article(*, article_id: int) -> bool:
    """Index the article if it is public, drop it otherwise. Returns whether it is indexed."""
    article = Article.objects.filter(pk=article_id).only(*_FIELDS).first()
    backend = get_backend()
    if article is None or not article.is_public:
        backend.delete([article_id])
        return False
    backend.upsert([_entry(article)])
    return True


def search_index_rebuild(*, batch_size: int = 1000) -> int:
    """Re-index every public article (after bulk loads). Returns the number indexed."""
    backend = get_backend()
    backend.clear()
    public = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)
    count = 0
    batch = []
    for article in public.only(*_FIELDS).iterator(chunk_size=batch_size):
        batch.append(_entry(article))
        if len(batch) >= batch_size:
            backend.upsert(batch)
            count += len(batch)
            batch = []
    backend.upsert(batch)
    return count + len(batch)
