"""Reads of engagement. Each query names the index it relies on (models.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

from openhao.articles import selectors as article_selectors
from openhao.articles.models import PUBLIC_FIELDS, Article
from openhao.common import keyset
from openhao.creators.models import Creator

from .models import ArticleLike, Bookmark, Comment, CommentVote, Follow, Notification, ShareCount


def is_following(*, user, creator_id: int) -> bool:
    # follow_once (user, creator)
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, creator_id=creator_id).exists()


def follower_count(creator_id: int) -> int:
    return Creator.objects.values_list("follower_count", flat=True).get(pk=creator_id)


def followed_creators(*, user) -> QuerySet[Creator]:
    """我的关注: the creators a user follows, most recently followed first
    (follow_user_new_idx, then the creators by primary key)."""
    return (
        Creator.objects.filter(followers__user=user)
        .only(
            "id", "display_name", "avatar", "motto", "verified", "article_count", "follower_count"
        )
        .order_by("-followers__created_at", "-id")
    )


def following_timeline(*, user) -> QuerySet[Article]:
    """Newest articles of the creators a user follows: a semi-join on follow_once feeding
    article_creator_pub_idx range scans."""
    followed = Follow.objects.filter(user=user).values("creator_id")
    return (
        article_selectors.list_queryset()
        .filter(creator_id__in=followed)
        .order_by("-published_at", "-id")
    )


COMMENTS_PER_PAGE = 20
HOT_COMMENTS = 5


@dataclass
class Reply:
    comment: Comment
    deeper: list[Comment] = field(default_factory=list)


@dataclass
class Thread:
    comment: Comment
    replies: list[Reply] = field(default_factory=list)

    @property
    def reply_count(self) -> int:
        return sum(1 + len(r.deeper) for r in self.replies)


def _with_author(qs: QuerySet[Comment]) -> QuerySet[Comment]:
    return qs.select_related("user").only(
        "id", "article_id", "parent_id", "root_id", "depth", "body_html", "is_deleted",
        "moderation_state", "vote_count", "created_at", "pinned_at", "ip_region", "user__id",
        "user__username", "user__nickname", "user__avatar", "user__deleted_at",
    )  # fmt: skip


# How a page of threads can be ordered: URL value → ORDER BY of the top-level comments.
COMMENT_SORTS = {
    "new": ("-created_at", "-id"),  # 最新: comment_thread_idx
    "hot": ("-vote_count", "-created_at", "-id"),  # 最热: comment_top_hot_idx
}


def comment_sort(value) -> str:
    return value if value in COMMENT_SORTS else "new"


def comment_threads(
    article_id: int, page_number, *, sort: str = "new", viewer_id: int | None = None
) -> tuple[Page, list[Thread]]:
    """A page of top-level comments, newest (or most up-voted: ``sort="hot"``) first, with all
    their replies: three queries (count, page, replies) whatever the number of replies. Direct
    replies are shown; deeper ones are grouped under the direct reply they descend from
    (collapsed)."""
    # Held comments wait for review and are listed to their writer only (marked 审核中);
    # removed ones keep their place.
    hidden = Q(moderation_state=Comment.State.HELD)
    if viewer_id is not None:
        hidden &= ~Q(user_id=viewer_id)
    listed = Comment.objects.exclude(hidden)
    top = _with_author(listed.filter(article_id=article_id, root__isnull=True)).order_by(
        *COMMENT_SORTS[comment_sort(sort)]
    )
    page = Paginator(top, COMMENTS_PER_PAGE).get_page(page_number)
    roots = list(page.object_list)
    replies = list(
        _with_author(listed.filter(root__in=[c.pk for c in roots])).order_by("created_at", "id")
    )
    by_id = {c.pk: c for c in roots}
    by_id.update({c.pk: c for c in replies})
    threads = {c.pk: Thread(c) for c in roots}
    branches: dict[int, Reply] = {}
    for reply in replies:
        reply.parent_comment = by_id.get(reply.parent_id)
        if reply.depth == 1:
            branches[reply.pk] = Reply(reply)
            threads[reply.root_id].replies.append(branches[reply.pk])
        else:
            # Walk up to the direct reply this one descends from.
            ancestor = reply.parent_comment
            while ancestor is not None and ancestor.depth > 1:
                ancestor = by_id.get(ancestor.parent_id)
            if ancestor is not None and ancestor.pk in branches:
                branches[ancestor.pk].deeper.append(reply)
    return page, [threads[c.pk] for c in roots]


def hot_comments(article_id: int, *, limit: int = HOT_COMMENTS) -> list[Comment]:
    """热门跟贴: the most up-voted visible comments (comment_hot_idx)."""
    return list(
        _with_author(
            Comment.objects.filter(Comment.shown_q(), article_id=article_id, vote_count__gt=0)
        ).order_by("-vote_count", "-created_at")[:limit]
    )


def pinned_comments(article_id: int) -> list[Comment]:
    """精选跟贴: the author's pinned comments, in the order they were pinned
    (comment_pinned_idx)."""
    return list(
        _with_author(
            Comment.objects.filter(
                Comment.shown_q(), article_id=article_id, pinned_at__isnull=False
            )
        ).order_by("pinned_at", "id")[: Comment.MAX_PINS]
    )


def voted_comment_ids(*, user, comment_ids) -> set[int]:
    # comment_vote_once (user, comment)
    if not user.is_authenticated or not comment_ids:
        return set()
    return set(
        CommentVote.objects.filter(user=user, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


def visible_comment_count(article_id: int) -> int:
    return Comment.objects.filter(Comment.shown_q(), article_id=article_id).count()


def article_for_comments(pk: int) -> Article:
    try:
        # The creator's user id says who may pin (精选) comments here.
        return (
            Article.objects.public()
            .select_related("creator")
            .only(
                "id", "title", "comment_count", "comment_mode", "creator__user_id", *PUBLIC_FIELDS
            )
            .get(pk=pk)
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None


def has_liked(*, user, article_id: int) -> bool:
    # article_like_once (user, article)
    if not user.is_authenticated:
        return False
    return ArticleLike.objects.filter(user=user, article_id=article_id).exists()


def has_bookmarked(*, user, article_id: int) -> bool:
    # bookmark_once (user, article)
    if not user.is_authenticated:
        return False
    return Bookmark.objects.filter(user=user, article_id=article_id).exists()


BOOKMARKS_PER_PAGE = 20


def bookmarks_page(*, user, cursor=None, size: int = BOOKMARKS_PER_PAGE) -> keyset.KeysetPage:
    """我的收藏: a reader's bookmarks newest first, keyset on (created_at, id) along
    bookmark_user_new_idx, each with its article and creator (one query). An article that is
    no longer public comes back too: the page shows it as 内容已下架, without its title."""
    qs = (
        Bookmark.objects.filter(user=user)
        .select_related("article", "article__creator")
        .only("id", "created_at", *article_selectors.linked_article_fields())
    )
    return keyset.page(qs, field="created_at", cursor=cursor, size=size)


def article_counts(article_id: int) -> dict:
    """The live counters of a published article (its primary key)."""
    try:
        return (
            Article.objects.public()
            .filter(pk=article_id)
            .values("id", "view_count", "like_count", "share_count", "comment_count")
            .get()
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None


def share_breakdown(article_id: int) -> dict[str, int]:
    # share_count_channel (article, channel)
    return dict(ShareCount.objects.filter(article_id=article_id).values_list("channel", "count"))


def article_is_public(article_id: int) -> bool:
    # primary key
    return Article.objects.public().filter(pk=article_id).exists()


NOTIFICATIONS_PER_PAGE = 20


def notification_unread_count(*, user) -> int:
    # notif_unread_idx (partial: unread only)
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def personal_context(*, user) -> dict:
    """engagement's part of the per-visitor header (common.hooks.personal_context)."""
    return {"unread": notification_unread_count(user=user)}


def notifications_page(*, user, page_number) -> Page:
    """A page of a user's notifications, newest first (notif_user_idx)."""
    qs = (
        Notification.objects.filter(user=user)
        .select_related("actor", "article", "comment", "article__creator", "application")
        .only(
            "id",
            "kind",
            "count",
            "created_at",
            "updated_at",
            "read_at",
            "actor__id",
            "actor__username",
            "actor__nickname",
            "actor__deleted_at",
            "article__id",
            "article__title",
            "article__creator__id",
            "article__creator__display_name",
            "comment__id",
            "comment__body",
            "comment__is_deleted",
            "comment__moderation_state",
            "comment__article_id",
            "application__id",
            "application__status",
            "application__display_name",
            "application__reason",
        )  # fmt: skip
        .order_by("-updated_at", "-id")
    )
    return Paginator(qs, NOTIFICATIONS_PER_PAGE).get_page(page_number)
