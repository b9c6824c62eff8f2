"""The API's reads that the site has no list for: keyset pages (common.keyset) of public
articles with filters, of channels, topics and creators by id, and comment threads by cursor.
Every list takes a size the views cap (``MAX_PAGE``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core import signing
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from openhao.articles import selectors as article_selectors
from openhao.articles.models import Channel, Topic
from openhao.common import keyset
from openhao.creators.models import Creator
from openhao.engagement.models import Comment
from openhao.search import selectors as search_selectors

MAX_PAGE = 50
DEFAULT_PAGE = 20
THREAD_REPLIES = 20

# What an article item of the API shows (schemas.ArticleItem), as ``values()`` names.
ITEM_FIELDS = (
    "id", "title", "summary", "cover", "cover_alt", "published_at", "is_original",
    "comment_count", "view_count", "creator_id", "creator__display_name", "creator__avatar",
    "creator__verified", "channel_id", "channel__slug", "channel__name",
)  # fmt: skip


def articles_page(
    *,
    channel_id: int | None = None,
    creator_id: int | None = None,
    topic_id: int | None = None,
    since: datetime | None = None,
    cursor: str | None,
    size: int,
) -> keyset.KeysetPage:
    """Public articles, newest first, by (published_at, id): article_pub_idx, or
    article_channel_pub_idx / article_creator_pub_idx with a filter. The rows are dicts of
    ITEM_FIELDS (no model instances: schemas.article_items makes the items from them)."""
    qs = article_selectors.published().values(*ITEM_FIELDS)
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    if creator_id is not None:
        qs = qs.filter(creator_id=creator_id)
    if topic_id is not None:
        qs = qs.filter(topics__id=topic_id)
    if since is not None:
        qs = qs.filter(published_at__gte=_utc(since))
    return keyset.page(qs, field="published_at", cursor=cursor, size=size)


def _utc(value: datetime) -> datetime:
    """A client's time in UTC. PostgreSQL refuses offsets past ±15:59 that ISO 8601 and Python
    accept (+21:37), and moving a time at either end of the calendar to UTC can leave it."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt_timezone.utc)
    except OverflowError:
        if value.year == 1:
            return datetime.min.replace(tzinfo=dt_timezone.utc)
        return datetime.max.replace(tzinfo=dt_timezone.utc)


def _id_page(qs: QuerySet, cursor: int | None, size: int) -> tuple[list, int | None]:
    """Rows in id order after ``cursor`` (the last id of the previous page)."""
    if cursor is not None:
        qs = qs.filter(pk__gt=cursor)
    rows = list(qs.order_by("pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more else None)


def channels_page(*, cursor: int | None, size: int):
    return _id_page(Channel.objects.all(), cursor, size)


def topics_page(*, cursor: int | None, size: int):
    return _id_page(Topic.objects.all(), cursor, size)


CREATOR_FIELDS = (
    "id", "display_name", "avatar", "verified", "motto", "bio", "article_count",
    "follower_count",
)  # fmt: skip


def creators_page(*, cursor: int | None, size: int):
    return _id_page(Creator.objects.only(*CREATOR_FIELDS), cursor, size)


def creator_get(pk: int) -> Creator | None:
    return Creator.objects.only(*CREATOR_FIELDS).filter(pk=pk).first()


def _comments(qs: QuerySet[Comment]) -> QuerySet[Comment]:
    return qs.select_related("user").only(
        "id", "article_id", "parent_id", "root_id", "depth", "body_html", "is_deleted",
        "vote_count", "created_at", "ip_region", "user__id", "user__username",
        "user__nickname", "user__avatar", "user__deleted_at",
    )  # fmt: skip


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment]
    reply_count: int


def comment_threads_page(*, article_id: int, cursor: str | None, size: int):
    """Top-level comments of an article, newest first (comment_thread_idx), each with its first
    THREAD_REPLIES replies (oldest first) and its number of replies: three queries."""
    roots = _comments(Comment.objects.filter(article_id=article_id, root__isnull=True))
    page = keyset.page(roots, field="created_at", cursor=cursor, size=size)
    ids = [c.pk for c in page.items]
    replies: dict[int, list[Comment]] = {i: [] for i in ids}
    counts: dict[int, int] = {}
    if ids:
        first = _comments(Comment.objects.filter(root_id__in=ids)).annotate(
            position=Window(
                RowNumber(), partition_by=[F("root_id")], order_by=[F("created_at"), F("id")]
            )
        )
        for reply in first.filter(position__lte=THREAD_REPLIES).order_by("created_at", "id"):
            replies[reply.root_id].append(reply)
        counts = dict(
            Comment.objects.filter(root_id__in=ids)
            .values_list("root_id")
            .annotate(n=Count("id"))
            .values_list("root_id", "n")
        )
    threads = [Thread(c, replies[c.pk], counts.get(c.pk, 0)) for c in page.items]
    return threads, page.next_cursor


def replies_page(*, root: Comment, cursor: str | None, size: int):
    """All replies of one thread, newest first, by cursor."""
    qs = _comments(Comment.objects.filter(root_id=root.pk))
    return keyset.page(qs, field="created_at", cursor=cursor, size=size)


# --- search by cursor ---------------------------------------------------------------------------

# The search engine's order is relevance (a score the engine computes, re-ordered by meaning at
# the top), which is no column a keyset could seek on. The cursor is therefore the position in
# the matches as they stood when page 1 was asked for: (pin, offset), signed so that a client
# cannot forge positions or reuse a cursor for another query. Articles published after the pin
# are in no later page, so publishing between pages neither repeats nor skips an item.
SEARCH_SALT = "openhao.api.search"
SEARCH_FALLBACK_PAGE = DEFAULT_PAGE  # when "all terms" falls back to "any term": fixed per query


def _search_signer(query: str) -> signing.Signer:
    return signing.Signer(salt=f"{SEARCH_SALT}:{search_selectors.parse_query(query).text}")


# A cursor's mark for "the pages so far are in the engine's order" (search_window).
_ENGINE_ORDER = "e"


def search_cursor_decode(query: str, raw: str) -> tuple[datetime, int, bool] | None:
    """(pin, offset, re-ranked by meaning) of a cursor that ``search_page`` gave for this
    query, else None."""
    try:
        value = _search_signer(query).unsign(raw)
    except signing.BadSignature:
        return None
    pin, _sep, offset = value.partition(".")
    offset, _sep, order = offset.partition(".")
    if not (pin.isdigit() and offset.isdigit()) or order not in ("", _ENGINE_ORDER):
        return None
    return keyset._EPOCH + timedelta(microseconds=int(pin)), int(offset), order == ""


def search_page(
    *, query: str, position: tuple[datetime, int, bool] | None, size: int
) -> keyset.KeysetPage:
    """Article items (dicts of ITEM_FIELDS, in the engine's order) of one page of matches and
    the signed cursor of the next; ``position`` is a decoded cursor (None: the first page,
    pinned now)."""
    pin, offset, rerank = position or (timezone.now(), 0, True)
    ids, more, reranked = search_selectors.search_window(
        query,
        until=pin,
        offset=offset,
        limit=size,
        page_size=SEARCH_FALLBACK_PAGE,
        rerank=rerank,
    )
    rows = {
        r["id"]: r for r in article_selectors.published().filter(pk__in=ids).values(*ITEM_FIELDS)
    }
    items = [rows[i] for i in ids if i in rows]
    if not more:
        return keyset.KeysetPage(items, None)
    micros = keyset.encode(pin, 0).partition("_")[0]
    mark = "" if reranked else f".{_ENGINE_ORDER}"
    return keyset.KeysetPage(items, _search_signer(query).sign(f"{micros}.{offset + size}{mark}"))
