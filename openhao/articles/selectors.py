"""Reads of articles, channels and topics. Each list names the index in models.py it relies on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from openhao.common.cache import article_tag, creator_tag, fragment
from openhao.creators.models import Creator

from .models import PUBLIC_FIELDS, Article, ArticleRevision, Channel, Reference, Section, Topic

# Columns that list items show (title, time, creator, channel, cover, counts); the body is
# never loaded for a list.
LIST_FIELDS = (
    "id",
    "title",
    "summary",
    "cover",
    "cover_alt",
    "published_at",
    "is_original",
    "is_pinned",
    "comment_count",
    "view_count",
    "creator__id",
    "creator__display_name",
    "creator__avatar",
    "creator__verified",
    "channel__id",
    "channel__slug",
    "channel__name",
)


# What a personal list (收藏, 阅读历史) shows of the article a row points at: enough for its title
# and creator, or for 内容已下架 when it is no longer public (Article.is_public).
LINKED_FIELDS = (
    "id",
    "title",
    "status",
    "published_at",
    "deleted_at",
    "creator__id",
    "creator__display_name",
)


def linked_article_fields(relation: str = "article") -> tuple[str, ...]:
    """``LINKED_FIELDS`` through a foreign key, for ``.only()`` beside ``select_related``."""
    return (f"{relation}_id", *(f"{relation}__{name}" for name in LINKED_FIELDS))


def published() -> QuerySet[Article]:
    return Article.objects.public()


def list_queryset() -> QuerySet[Article]:
    return published().select_related("creator", "channel").only(*LIST_FIELDS)


def union_lists(querysets: Sequence[QuerySet[Article]]) -> list[Article]:
    """Several small top-N lists in two queries, whatever their number.

    The ids come from one UNION ALL of the lists, each wrapped in its own sub-select so that its
    ORDER BY/LIMIT is an index range scan (SQLite refuses LIMIT directly inside a compound
    statement, hence the wrapping); the rows are then loaded by primary key."""
    querysets = list(querysets)
    if not querysets:
        return []
    parts, params = [], []
    for i, qs in enumerate(querysets):
        sql, part_params = qs.values_list("pk", flat=True).query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part{i}")  # noqa: S608 (compiled by the ORM)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    by_id = {a.pk: a for a in list_queryset().filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def article_get_public(pk: int) -> Article:
    """The article page's main object with everything it shows (one query plus prefetches).

    Drafts, pending and removed articles are 404 to readers."""
    try:
        return (
            published()
            # The creator's user for the author card's IP属地 (accounts.ipregion).
            .select_related("creator__user", "channel")
            .prefetch_related("references", "topics")
            .get(pk=pk)
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None


@dataclass(frozen=True)
class ArticlePage:
    article: Article
    references: list[Reference]
    topics: list[Topic]


def article_page_get(pk: int) -> ArticlePage:
    """The public article page's objects, from two fragments instead of the database: the
    article row (with its channel, references and topics) under the article's tag, and its
    creator under the creator's tag. Every change that shows on the page bumps one of the two
    (edits, removal and unpublishing the article's; profile edits the creator's), so the row is
    as fresh as the page it renders; counters on the row (comment count) may lag by the
    fragment's lifetime, as they do in the cached page. A page miss (an expired page, its
    care-mode copy, a creator tag bumped by another article) then costs no query. 404 for
    drafts, pending and removed articles (not cached: the 404 page is)."""
    loaded: dict[str, Creator] = {}

    def build_row():
        row = _article_row(pk)
        if row is not None:
            loaded["creator"] = row[0].creator  # the same query seeds the creator's fragment
        return row

    row = fragment(
        f"article-row:{pk}",
        [article_tag(pk)],
        build_row,
        timeout=settings.OPENHAO_PAGE_CACHE_SECONDS,
    )
    if row is None:
        raise Http404("article not found")
    article, references, topics = row
    creator_id = article.creator_id
    article.creator = fragment(
        f"creator-row:{creator_id}",
        [creator_tag(creator_id)],
        lambda: loaded.get("creator") or Creator.objects.get(pk=creator_id),
        timeout=settings.OPENHAO_PAGE_CACHE_SECONDS,
    )
    return ArticlePage(article, references, topics)


def _article_row(pk: int) -> tuple[Article, list[Reference], list[Topic]] | None:
    try:
        article = published().select_related("creator", "channel").get(pk=pk)
    except Article.DoesNotExist:
        return None
    return article, list(article.references.all()), list(article.topics.all())


def paginate(queryset, page_number, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.OPENHAO_PAGE_SIZE)
    return paginator.get_page(page_number)


def channel_articles(channel: Channel) -> QuerySet[Article]:
    # article_channel_pub_idx
    return list_queryset().filter(channel=channel).order_by("-published_at", "-id")


def creator_articles(creator: Creator) -> QuerySet[Article]:
    # article_creator_pub_idx
    return list_queryset().filter(creator=creator).order_by("-published_at", "-id")


def topic_articles(topic: Topic) -> QuerySet[Article]:
    # The M2M table's (topic_id) index narrows to the topic; the sort is over its articles.
    return list_queryset().filter(topics=topic).order_by("-published_at", "-id")


def platform_articles() -> QuerySet[Article]:
    # article_pub_idx
    return list_queryset().order_by("-published_at", "-id")


def creator_latest_ids(creator_id: int, *, limit: int = 5) -> list[int]:
    """The ids of ``creator_latest`` (article_creator_pub_idx)."""
    return list(
        published()
        .filter(creator_id=creator_id)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )


def articles_in_order(ids: Sequence[int]) -> list[Article]:
    """List items for the given ids in the given order, public ones only. ``is_public`` is
    checked here rather than in SQL: with ``status = … AND id IN (…)`` SQLite's planner may scan
    article_pub_idx instead of looking up the primary keys (measured: 15 ms instead of 0.2 ms
    on 100,000 articles)."""
    if not ids:
        return []
    rows = (
        Article.objects.filter(pk__in=ids)
        .select_related("creator", "channel")
        .only(*LIST_FIELDS, *PUBLIC_FIELDS)
    )
    by_id = {a.pk: a for a in rows if a.is_public}
    return [by_id[i] for i in ids if i in by_id]


def creator_latest(creator_id: int, *, limit: int = 5) -> list[Article]:
    """往期回顾: the creator's newest articles (article_creator_pub_idx)."""
    return list(
        list_queryset().filter(creator_id=creator_id).order_by("-published_at", "-id")[:limit]
    )


def channel_get(slug: str) -> Channel:
    try:
        return Channel.objects.select_related("section").get(slug=slug)
    except Channel.DoesNotExist:
        raise Http404("channel not found") from None


def topic_get(name: str) -> Topic:
    try:
        return Topic.objects.get(name=name)
    except Topic.DoesNotExist:
        raise Http404("topic not found") from None


@dataclass(frozen=True)
class ChannelBox:
    channel: Channel
    articles: list[Article]

    @property
    def lead(self) -> Article | None:
        """The headline the box opens with, shown with its image: the newest article that has
        a cover, or else the newest one."""
        return next(
            (a for a in self.articles if a.cover), self.articles[0] if self.articles else None
        )

    @property
    def rest(self) -> list[Article]:
        lead = self.lead
        return [a for a in self.articles if a is not lead]


@dataclass(frozen=True)
class SectionBoxes:
    section: Section
    boxes: list[ChannelBox]


def channel_boxes(per_channel: int = 6) -> list[SectionBoxes]:
    """Headline boxes for every channel, grouped by section (要闻 boxes, 态度原创 sections).
    Pages use the cached HTML of this (articles.fragments)."""
    channels = list(Channel.objects.select_related("section").order_by("section__order", "order"))
    # One UNION ALL of per-channel top-N lists: each part is an index range scan on
    # article_channel_pub_idx, so the cost does not grow with the number of articles.
    parts = [channel_articles(c)[:per_channel] for c in channels]
    by_channel: dict[int, list[Article]] = {c.id: [] for c in channels}
    for article in union_lists(parts):
        by_channel[article.channel_id].append(article)
    sections: dict[int, SectionBoxes] = {}
    for channel in channels:
        entry = sections.setdefault(channel.section_id, SectionBoxes(channel.section, []))
        items = sorted(by_channel[channel.id], key=lambda a: a.published_at, reverse=True)
        entry.boxes.append(ChannelBox(channel, items))
    return list(sections.values())


def nav_channels() -> list[Channel]:
    return list(Channel.objects.order_by("order"))


STUDIO_STATUSES = ("draft", "pending", "scheduled", "published", "removed")


def _latest_revision() -> QuerySet[ArticleRevision]:
    # revision_latest_idx (article, -created_at)
    return ArticleRevision.objects.filter(article=OuterRef("pk")).order_by("-created_at", "-id")


def studio_articles(creator: Creator, *, status: str = "") -> QuerySet[Article]:
    """The creator's own articles, newest change first, without soft-deleted ones, each with
    the state of its latest edit under review (``revision_status``, ``revision_note``).
    Index article_creator_pub_idx (creator, status, ...) narrows it to the creator."""
    latest = _latest_revision()
    qs = (
        Article.objects.filter(creator=creator, deleted_at__isnull=True)
        .select_related("channel")
        .defer("body_html")
        .annotate(
            revision_status=Subquery(latest.values("status")[:1]),
            revision_note=Subquery(latest.values("review_note")[:1]),
        )
        .order_by("-updated_at", "-id")
    )
    if status in STUDIO_STATUSES:
        qs = qs.filter(status=status)
    return qs


def studio_status_counts(creator: Creator) -> dict[str, int]:
    rows = (
        Article.objects.filter(creator=creator, deleted_at__isnull=True)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(STUDIO_STATUSES, 0)
    counts.update(dict(rows))
    return counts


def studio_article_get(creator: Creator, pk: int) -> Article:
    """One of the creator's own articles (any status but deleted); anyone else's is a 404, so
    the studio never reveals whether another creator's article exists."""
    try:
        return (
            Article.objects.filter(creator=creator, deleted_at__isnull=True)
            # The creator's user: the preview's author card shows the IP属地.
            .select_related("creator__user", "channel")
            .prefetch_related("references", "topics")
            .get(pk=pk)
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None


def studio_trash(creator: Creator, *, cutoff) -> QuerySet[Article]:
    """The creator's 回收站: deleted since ``cutoff`` (older ones are gone for good), most
    recently deleted first. Index article_trash_idx (creator, -deleted_at), partial."""
    return (
        Article.objects.filter(creator=creator, deleted_at__isnull=False, deleted_at__gte=cutoff)
        .select_related("channel")
        .defer("body_html")
        .order_by("-deleted_at", "-id")
    )


def studio_trash_get(creator: Creator, pk: int) -> Article:
    """One of the creator's deleted articles (any age); anyone else's is a 404."""
    try:
        return Article.objects.get(creator=creator, deleted_at__isnull=False, pk=pk)
    except Article.DoesNotExist:
        raise Http404("article not found") from None


def article_latest_revision(article: Article) -> ArticleRevision | None:
    """The newest edit of ``article`` sent for review, whatever became of it."""
    return (
        ArticleRevision.objects.filter(article=article)
        .select_related("channel")
        .order_by("-created_at", "-id")
        .first()
    )


def article_with_revision(article: Article, revision: ArticleRevision) -> Article:
    """An unsaved copy of ``article`` showing ``revision`` as readers would see it once approved
    (for the review page and the studio preview). Its topics and references are the revision's,
    set as if prefetched, so the article template needs no change."""
    preview = Article()
    for f in Article._meta.concrete_fields:
        setattr(preview, f.attname, getattr(article, f.attname))
    preview.creator = article.creator
    preview.channel = revision.channel
    for name in ("title", "summary", "body_html", "cover", "cover_alt", "is_original"):
        setattr(preview, name, getattr(revision, name))
    known = {t.name: t for t in Topic.objects.filter(name__in=revision.topic_names)}
    preview._prefetched_objects_cache = {
        "topics": [known.get(name) or Topic(name=name) for name in revision.topic_names],
        "references": [
            Reference(title=r["title"], source=r.get("source", ""), url=r.get("url", ""), order=i)
            for i, r in enumerate(revision.references)
        ],
    }
    return preview
