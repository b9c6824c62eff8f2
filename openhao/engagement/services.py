"""Writes of engagement. Each function is one transaction; counters on Creator and Article move
with F() expressions in the same transaction as the row that justifies them, and only when that
row was really inserted or deleted, so repeated or concurrent calls are idempotent (the unique
constraints decide, not a check in Python)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.accounts import hooks as account_hooks
from openhao.analytics.services import stats_record, stats_record_follow
from openhao.articles.models import Article
from openhao.common.cache import article_tag, bump_tags, creator_tag
from openhao.common.content import content_check
from openhao.common.db import insert_once
from openhao.common.urls import url_for_pk
from openhao.creators.models import Creator
from openhao.ranking.services import article_engagement_changed

from . import hooks
from .hooks import Event
from .models import (
    ArticleLike,
    Bookmark,
    Comment,
    CommentVote,
    Follow,
    Notification,
    ShareCount,
)
from .text import mentioned_names, normalise_comment, render_comment


def comments_tag(article_id: int) -> str:
    """Cache tag of the anonymous comments block of an article (votes change it but not the
    article page)."""
    return f"comments:{article_id}"


def _bump_on_commit(*tags: str) -> None:
    transaction.on_commit(lambda: bump_tags(*tags))


def _enqueue_on_commit(task_name: str, *args) -> None:
    """Enqueue a task from tasks.py once the transaction has committed (so a worker finds the
    rows), by name to keep the import one-way (tasks imports services)."""
    from . import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(*args))


def article_published(*, article_id: int) -> None:
    """Called by articles.services.article_publish inside its transaction: notify followers
    from a task, never inside the request (a creator may have very many)."""
    _enqueue_on_commit("notify_followers_task", article_id)


@transaction.atomic
def follow_create(*, user, creator: Creator) -> bool:
    """Follow ``creator``. True when a follow was added, False when it already existed."""
    if creator.user_id == user.pk:
        raise PermissionDenied(_("不能关注自己。"))
    if not insert_once(Follow, user=user, creator=creator):
        return False
    Creator.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
    stats_record_follow(creator=creator)
    _bump_on_commit(creator_tag(creator.pk))
    return True


@transaction.atomic
def follow_delete(*, user, creator: Creator) -> bool:
    """Unfollow. True when a follow was removed, False when there was none."""
    deleted, _ = Follow.objects.filter(user=user, creator=creator).delete()
    if not deleted:
        return False
    Creator.objects.filter(pk=creator.pk, follower_count__gt=0).update(
        follower_count=F("follower_count") - 1
    )
    _bump_on_commit(creator_tag(creator.pk))
    return True


@transaction.atomic
def comment_create(
    *,
    user,
    article: Article,
    body: str,
    parent: Comment | None = None,
    ip_region: str = "",
    notify_mentions: bool = True,
    held: bool = False,
) -> Comment:
    """Post a 跟贴 (or a reply to ``parent``). Raises ValidationError for an empty or too long
    text, or a parent that is not on this article or was deleted; nothing is written then.
    ``ip_region`` is the writer's IP属地 (accounts.ipregion). Readers named as ``@username``
    hear of it (at most MENTIONS_PER_COMMENT, in a task) unless ``notify_mentions`` is False
    (the view's rate limit said no). A ``held`` comment waits for review: it is stored but not
    listed, counted or notified until ``comment_moderation_set`` shows it."""
    account_hooks.write_check.run(user=user, what="comment")
    text = normalise_comment(body)
    if not text:
        raise ValidationError(_("跟贴内容不能为空。"), code="empty")
    if len(text) > Comment.MAX_LENGTH:
        raise ValidationError(
            _("跟贴不能超过 %(max)s 字（现在 %(n)s 字）。")
            % {"max": Comment.MAX_LENGTH, "n": len(text)},
            code="too_long",
        )
    if not article.is_public:
        raise ValidationError(_("这篇文章不能跟贴。"), code="closed")
    if article.comment_mode == Article.CommentMode.CLOSED:
        raise ValidationError(_("作者已关闭这篇文章的跟贴。"), code="closed")
    # 先审后显: the creator (or an operator) shows each new comment; the word lists and the
    # spam rules (common.content, moderation) may refuse the text, mask words in it or hold it.
    held = held or article.comment_mode == Article.CommentMode.REVIEWED
    verdict = content_check(texts={"body": text}, kind="comment", user=user)
    text = verdict.texts["body"]
    held = held or verdict.held
    if parent is not None:
        if parent.article_id != article.pk:
            raise ValidationError(_("回复的跟贴不存在。"), code="parent")
        if not parent.is_shown:
            raise ValidationError(_("该跟贴已删除，无法回复。"), code="parent_deleted")
    comment = Comment.objects.create(
        article=article,
        user=user,
        parent=parent,
        root=(parent.root or parent) if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0,
        body=text,
        body_html=render_comment(text, mention_urls(text)),
        ip_region=ip_region,
        moderation_state=Comment.State.HELD if held else Comment.State.VISIBLE,
    )
    if not held:
        _comment_shown(comment, notify_mentions=notify_mentions)
    else:
        _bump_on_commit(comments_tag(article.pk))
    verdict.saved(comment)
    return comment


def _comment_shown(comment: Comment, *, notify_mentions: bool = True) -> None:
    """What a comment's appearance does: counts, stats, ranking, caches, notifications."""
    Article.objects.filter(pk=comment.article_id).update(comment_count=F("comment_count") + 1)
    stats_record(article=comment.article, metric="comments")
    article_engagement_changed(article_id=comment.article_id)
    hooks.record(Event(comment.article_id, comment.user_id, "comment", +1))
    _bump_on_commit(article_tag(comment.article_id))
    if comment.parent is not None and comment.parent.user_id != comment.user_id:
        _enqueue_on_commit("notify_reply_task", comment.pk)
    if notify_mentions and mentioned_names(comment.body):
        _enqueue_on_commit("notify_mentions_task", comment.pk)


def _comment_hidden(comment: Comment) -> None:
    """A shown comment leaves the count (author's deletion or moderation)."""
    Article.objects.filter(pk=comment.article_id, comment_count__gt=0).update(
        comment_count=F("comment_count") - 1
    )
    article_engagement_changed(article_id=comment.article_id)
    hooks.record(Event(comment.article_id, comment.user_id, "comment", -1))
    _bump_on_commit(article_tag(comment.article_id))


@transaction.atomic
def comment_moderation_set(*, comment: Comment, state: str) -> bool:
    """Moderation's decision on a comment (``Comment.State``): hold it for review, remove it
    (it stays as a placeholder, text kept so an appeal can restore it) or show it. Counts,
    caches and ranking follow; a held comment shown for the first time notifies like a new one
    (the reply's parent, mentions). Who may decide is the caller's business (moderation,
    the article's author). True when the state changed."""
    if state not in Comment.State.values:
        raise ValueError(f"unknown comment state {state!r}")
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the parent.
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("parent", "article")
        .get(pk=comment.pk)
    )
    before = comment.moderation_state
    if before == state:
        return False
    was_shown = comment.is_shown
    comment.moderation_state = state
    fields = ["moderation_state"]
    if state != Comment.State.VISIBLE and comment.pinned_at is not None:
        comment.pinned_at = None  # frees its 精选 place
        fields.append("pinned_at")
    comment.save(update_fields=fields)
    if was_shown and not comment.is_shown:
        _comment_hidden(comment)
    elif comment.is_shown and not was_shown:
        _comment_shown(comment, notify_mentions=before == Comment.State.HELD)
    _bump_on_commit(comments_tag(comment.article_id))
    return True


MENTIONS_PER_COMMENT = 5


def mention_urls(text: str) -> dict[str, str]:
    """``@name`` → the creator page, for the mentioned names that are creators of live accounts
    (one query, only when the text mentions someone; at most MENTIONS_PER_COMMENT names, as for
    notifications). Readers have no public page, so their mentions stay text."""
    names = mentioned_names(text)[:MENTIONS_PER_COMMENT]
    if not names:
        return {}
    rows = Creator.objects.filter(
        user__username__in=names, user__is_active=True, user__deleted_at__isnull=True
    ).values_list("user__username", "pk")
    return {name: url_for_pk("articles:creator", pk) for name, pk in rows}


def notifications_for_mentions(*, comment_id: int) -> int:
    """提到: each reader named ``@username`` in the comment hears of it once — not the writer,
    not the parent's author (who gets the reply notification), not erased accounts; at most
    MENTIONS_PER_COMMENT. Returns the notifications written."""
    comment = (
        Comment.objects.select_related("parent").filter(Comment.shown_q(), pk=comment_id).first()
    )
    if comment is None:
        return 0
    names = mentioned_names(comment.body)[:MENTIONS_PER_COMMENT]
    if not names:
        return 0
    skip = {comment.user_id}
    if comment.parent is not None:
        skip.add(comment.parent.user_id)
    users = set(
        get_user_model()
        .objects.filter(username__in=names, is_active=True, deleted_at__isnull=True)
        .exclude(pk__in=skip)
        .values_list("pk", flat=True)
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                kind=Notification.Kind.MENTION,
                actor_id=comment.user_id,
                article_id=comment.article_id,
                comment=comment,
            )
            for pk in sorted(users)
        ]
    )
    return len(users)


@transaction.atomic
def bookmark_set(*, user, article: Article, saved: bool) -> bool:
    """收藏 (``saved``) or take it out. True when something changed; repeating is harmless.
    Only a public article can be saved; one saved before it was removed can still be taken
    out."""
    if saved:
        if not article.is_public:
            raise ValidationError(_("这篇文章不能收藏。"), code="closed")
        return insert_once(Bookmark, user=user, article=article)
    deleted, _rows = Bookmark.objects.filter(user=user, article=article).delete()
    return bool(deleted)


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> bool:
    """Soft delete by its author: the row stays (replies keep their place), the text is no
    longer shown, and the article's visible count drops by one. False if already deleted."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.user_id != user.pk:
        raise PermissionDenied(_("只能删除自己的跟贴。"))
    if comment.is_deleted:
        return False
    was_shown = comment.is_shown
    comment.is_deleted = True
    comment.deleted_at = timezone.now()
    comment.body_html = ""
    comment.pinned_at = None  # frees its 精选 place
    comment.save(update_fields=["is_deleted", "deleted_at", "body_html", "pinned_at"])
    if was_shown:
        _comment_hidden(comment)
    else:
        _bump_on_commit(comments_tag(comment.article_id))
    return True


def _lock_article_for_pins(*, user, comment: Comment) -> Article:
    """The comment's article, locked (so two pins at once cannot both take the last place),
    after checking that ``user`` wrote it: only the author pins comments under an article."""
    article = (
        Article.objects.select_for_update()
        .select_related("creator")
        .only("id", "creator__user_id")
        .get(pk=comment.article_id)
    )
    if not (user.is_authenticated and article.creator.user_id == user.pk):
        raise PermissionDenied(_("只有文章作者可以精选跟贴。"))
    return article


@transaction.atomic
def comment_pin(*, user, comment: Comment) -> bool:
    """精选: the article's author pins ``comment`` above the others, at most Comment.MAX_PINS
    per article. True when it was pinned now, False when it already was."""
    _lock_article_for_pins(user=user, comment=comment)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_shown:
        raise ValidationError(_("该跟贴已删除，不能精选。"), code="deleted")
    if comment.pinned_at is not None:
        return False
    pinned = Comment.objects.filter(
        Comment.shown_q(), article_id=comment.article_id, pinned_at__isnull=False
    ).count()
    if pinned >= Comment.MAX_PINS:
        raise ValidationError(
            _("最多精选 %(n)d 条跟贴，请先取消一条再精选。") % {"n": Comment.MAX_PINS},
            code="too_many",
        )
    comment.pinned_at = timezone.now()
    comment.save(update_fields=["pinned_at"])
    _bump_on_commit(comments_tag(comment.article_id))
    return True


@transaction.atomic
def comment_unpin(*, user, comment: Comment) -> bool:
    """Take a comment out of 精选. True when it was pinned."""
    _lock_article_for_pins(user=user, comment=comment)
    changed = Comment.objects.filter(pk=comment.pk, pinned_at__isnull=False).update(pinned_at=None)
    if changed:
        _bump_on_commit(comments_tag(comment.article_id))
    return bool(changed)


@transaction.atomic
def comment_vote(*, user, comment: Comment) -> bool:
    """顶 a comment, once per user. True when the vote was added."""
    if comment.user_id == user.pk:
        raise PermissionDenied(_("不能顶自己的跟贴。"))
    if not comment.is_shown:
        raise PermissionDenied(_("该跟贴已删除。"))
    if not insert_once(CommentVote, user=user, comment=comment):
        return False
    Comment.objects.filter(pk=comment.pk).update(vote_count=F("vote_count") + 1)
    _bump_on_commit(comments_tag(comment.article_id))
    _enqueue_on_commit("notify_vote_task", comment.pk)
    return True


@transaction.atomic
def like_set(*, user, article: Article, liked: bool) -> bool:
    """点赞 (``liked``) or take it back. True when something changed; repeating is harmless."""
    if liked:
        if not insert_once(ArticleLike, user=user, article=article):
            return False
        Article.objects.filter(pk=article.pk).update(like_count=F("like_count") + 1)
        stats_record(article=article, metric="likes")
    else:
        deleted, _ = ArticleLike.objects.filter(user=user, article=article).delete()
        if not deleted:
            return False
        Article.objects.filter(pk=article.pk, like_count__gt=0).update(
            like_count=F("like_count") - 1
        )
    article_engagement_changed(article_id=article.pk)
    hooks.record(Event(article.pk, user.pk, "like", +1 if liked else -1))
    return True


@transaction.atomic
def share_record(*, article: Article, channel: str) -> None:
    """Count one use of the 分享至 menu. Deduplication per visitor is the caller's (views)."""
    if channel not in ShareCount.Channel.values:
        raise ValidationError(_("未知的分享渠道。"), code="channel")
    updated = ShareCount.objects.filter(article=article, channel=channel).update(
        count=F("count") + 1
    )
    if not updated and not insert_once(ShareCount, article=article, channel=channel, count=1):
        # Created by a concurrent request in between.
        ShareCount.objects.filter(article=article, channel=channel).update(count=F("count") + 1)
    Article.objects.filter(pk=article.pk).update(share_count=F("share_count") + 1)
    stats_record(article=article, metric="shares")
    article_engagement_changed(article_id=article.pk)
    hooks.record(Event(article.pk, None, "share", +1))


NOTIFY_BATCH = 1000


def notifications_for_article(*, article_id: int) -> int:
    """One notification per follower of the article's creator, inserted in batches; running
    it again adds nothing (notif_article_once). Returns the number of followers handled."""
    article = Article.objects.public().filter(pk=article_id).first()
    if article is None:
        return 0
    handled, last_id = 0, 0
    while True:
        batch = list(
            Follow.objects.filter(creator_id=article.creator_id, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "user_id")[:NOTIFY_BATCH]
        )
        if not batch:
            return handled
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=user_id,
                    kind=Notification.Kind.ARTICLE,
                    actor_id=article.creator.user_id,
                    article_id=article.pk,
                    created_at=now,
                    updated_at=now,
                )
                for _, user_id in batch
            ],
            ignore_conflicts=True,
        )
        handled += len(batch)
        last_id = batch[-1][0]


def notification_for_reply(*, comment_id: int) -> bool:
    reply = (
        Comment.objects.select_related("parent").filter(Comment.shown_q(), pk=comment_id).first()
    )
    if reply is None or reply.parent is None or reply.parent.user_id == reply.user_id:
        return False
    Notification.objects.create(
        user_id=reply.parent.user_id,
        kind=Notification.Kind.REPLY,
        actor_id=reply.user_id,
        article_id=reply.article_id,
        comment=reply,
    )
    return True


def notification_for_application(*, application) -> Notification:
    """The applicant hears about the staff decision on their 申请入驻."""
    return Notification.objects.create(
        user_id=application.user_id, kind=Notification.Kind.APPLICATION, application=application
    )


def notification_for_feed_failure(*, user_id: int, failures: int) -> Notification:
    """A creator hears that one of their RSS subscriptions keeps failing (openhao.importer):
    a feed that stops working is never silent."""
    return Notification.objects.create(user_id=user_id, kind=Notification.Kind.FEED, count=failures)


@transaction.atomic
def notification_for_vote(*, comment_id: int) -> bool:
    """Batched: add one to the comment's unread vote notification, or start one."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return False
    unread = Notification.objects.filter(
        user_id=comment.user_id,
        kind=Notification.Kind.VOTE,
        comment_id=comment.pk,
        read_at__isnull=True,
    )
    if unread.update(count=F("count") + 1, updated_at=timezone.now()):
        return True
    started = insert_once(
        Notification,
        user_id=comment.user_id,
        kind=Notification.Kind.VOTE,
        article_id=comment.article_id,
        comment=comment,
    )
    if not started:  # by a concurrent vote
        unread.update(count=F("count") + 1, updated_at=timezone.now())
    return True


def notifications_mark_read(*, user, ids) -> int:
    return Notification.objects.filter(user=user, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def creator_followers_erase(*, creator: Creator) -> int:
    """The followers' side of a creator's 注销: their follow rows of the erased creator go
    and its 关注度 drops to what is left (nothing); the followers' other follows stay. Runs
    inside the caller's transaction (privacy.services.account_erase). Returns the follows
    removed."""
    deleted, _ = Follow.objects.filter(creator=creator).delete()
    Creator.objects.filter(pk=creator.pk).update(follower_count=0)
    _bump_on_commit(creator_tag(creator.pk))
    return deleted


def user_engagement_erase(*, user, remove_comments: bool) -> None:
    """The engagement part of 注销 (privacy.services.account_erase), through the same writes as
    the reader's own clicks so every counter drops as it would: follows (follower counts),
    likes (like counts), 顶 (vote counts); bookmarks and the reader's notifications go, and
    notifications that name them as actor lose the name. Comments stay under 用户已注销: with
    ``remove_comments`` their text goes as with 删除 (the visible count drops); their IP属地
    goes either way. Runs inside the caller's transaction."""
    for follow in Follow.objects.filter(user=user).select_related("creator"):
        follow_delete(user=user, creator=follow.creator)
    for like in ArticleLike.objects.filter(user=user).select_related("article"):
        like_set(user=user, article=like.article, liked=False)
    for vote in CommentVote.objects.filter(user=user).select_related("comment"):
        if CommentVote.objects.filter(pk=vote.pk).delete()[0]:
            Comment.objects.filter(pk=vote.comment_id, vote_count__gt=0).update(
                vote_count=F("vote_count") - 1
            )
            _bump_on_commit(comments_tag(vote.comment.article_id))
    Bookmark.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Notification.objects.filter(actor=user).update(actor=None)
    comments = Comment.objects.filter(user=user)
    articles = set(comments.values_list("article_id", flat=True))
    if remove_comments:
        for comment in comments.filter(is_deleted=False):
            comment_delete(user=user, comment=comment)
        comments.update(body="")
    comments.update(ip_region="")
    # The author's name and region stand in the cached comment blocks and article pages.
    _bump_on_commit(*(article_tag(a) for a in articles), *(comments_tag(a) for a in articles))


def notification_for_moderation(*, user_id: int, kind: str, message: str, link: str = "") -> None:
    """A notice with its own text from an app above: moderation (举报结果, 处置, 申诉结果) or
    corrections (纠错结果)."""
    if kind not in (
        Notification.Kind.REPORT,
        Notification.Kind.MODERATION,
        Notification.Kind.APPEAL,
        Notification.Kind.CORRECTION,
    ):
        raise ValueError(f"not a moderation notice: {kind}")
    Notification.objects.create(user_id=user_id, kind=kind, message=message[:300], link=link)
