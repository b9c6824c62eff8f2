"""Writes to articles. Each function is one transaction and keeps the denormalised counters
(creator.article_count) in step."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import unescape

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openhao.creators.models import Creator

from .models import Article, Channel, Reference, Topic
from .sanitize import sanitize_body

SUMMARY_LENGTH = 120
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class ReferenceData:
    title: str
    source: str = ""
    url: str = ""


def summary_from_html(html: str, length: int = SUMMARY_LENGTH) -> str:
    text = _SPACE_RE.sub(" ", unescape(_TAG_RE.sub(" ", html))).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def topics_get_or_create(names: Iterable[str]) -> list[Topic]:
    topics = []
    for raw in names:
        name = raw.strip().strip("#").strip()
        if name:
            topics.append(Topic.objects.get_or_create(name=name)[0])
    return topics


@transaction.atomic
def article_create(
    *,
    creator: Creator,
    channel: Channel,
    title: str,
    body_html: str,
    summary: str = "",
    is_original: bool = False,
    topic_names: Sequence[str] = (),
    references: Sequence[ReferenceData] = (),
    cover: str = "",
    cover_alt: str = "",
) -> Article:
    """Create a draft. Publishing is a separate step (``article_publish``)."""
    body_html = sanitize_body(body_html)
    article = Article(
        creator=creator,
        channel=channel,
        title=title,
        summary=summary or summary_from_html(body_html),
        body_html=body_html,
        is_original=is_original,
        cover=cover,
        cover_alt=cover_alt,
        status=Article.Status.DRAFT,
    )
    article.save()
    if topic_names:
        article.topics.set(topics_get_or_create(topic_names))
    Reference.objects.bulk_create(
        Reference(article=article, title=r.title, source=r.source, url=r.url, order=i)
        for i, r in enumerate(references)
    )
    return article


@transaction.atomic
def article_publish(*, article: Article, at: datetime | None = None) -> Article:
    """Make an article public. Idempotent: publishing a published article changes nothing."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.PUBLISHED:
        return article
    article.status = Article.Status.PUBLISHED
    article.published_at = at or timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    Creator.objects.filter(pk=article.creator_id).update(article_count=F("article_count") + 1)
    _article_discovery_changed(article)
    return article


@transaction.atomic
def article_remove(*, article: Article) -> Article:
    """Take an article down (soft delete): its URL answers 404 from now on."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.REMOVED:
        return article
    was_public = article.status == Article.Status.PUBLISHED
    article.status = Article.Status.REMOVED
    article.save(update_fields=["status", "updated_at"])
    if was_public:
        Creator.objects.filter(pk=article.creator_id, article_count__gt=0).update(
            article_count=F("article_count") - 1
        )
    _article_discovery_changed(article)
    return article


def _article_discovery_changed(article: Article) -> None:
    """Keep ranking (hot score, related lists) and search in step with a status change."""
    from openhao.ranking.services import article_content_changed

    article_content_changed(article_id=article.pk)


def creator_recount_articles(*, creator: Creator) -> int:
    """Recompute article_count from the table (repairs drift after bulk loads)."""
    count = Article.objects.filter(creator=creator, status=Article.Status.PUBLISHED).count()
    Creator.objects.filter(pk=creator.pk).update(article_count=count)
    return count
