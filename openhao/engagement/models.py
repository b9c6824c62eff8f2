"""What readers do with creators and articles. Each "once per user" rule is a unique constraint,
so concurrent double clicks cannot count twice whatever the Python code checks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openhao.articles.models import Article
from openhao.creators.models import Creator


class Follow(models.Model):
    """A reader follows (关注) a creator. Creator.follower_count counts these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [
            # Also the index of "does this user follow X" and of 我的关注 (selectors).
            models.UniqueConstraint(fields=["user", "creator"], name="follow_once"),
        ]
        indexes = [
            # 我的关注: a user's follows, newest first (selectors.followed_creators).
            models.Index(fields=["user", "-created_at"], name="follow_user_new_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.creator_id}"


class Comment(models.Model):
    """A 跟贴 on an article, or a reply to one. ``root`` is the top-level comment of the thread
    (null for a top-level comment) so a page of threads loads its replies in one query."""

    MAX_LENGTH = 1000

    class State(models.TextChoices):
        # Moderation's view of the comment, apart from its author's own deletion
        # (``is_deleted``): held comments wait for review and are not listed; removed ones keep
        # their place in the thread as a placeholder, and their text, so an appeal can restore them.
        VISIBLE = "visible", _("显示")
        HELD = "held", _("审核中")
        REMOVED = "removed", _("已移除")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    # What the reader typed (plain text; the column length is the limit's last line of defence).
    body = models.CharField(_("内容"), max_length=MAX_LENGTH)
    # Escaped text with links made clickable, rendered once at write time (services).
    body_html = models.TextField(blank=True)
    is_deleted = models.BooleanField(_("已删除"), default=False)
    moderation_state = models.CharField(
        _("审核状态"), max_length=8, choices=State.choices, default=State.VISIBLE
    )
    vote_count = models.PositiveIntegerField(_("顶"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # 精选 by the article's author (at most MAX_PINS per article, services.comment_pin).
    pinned_at = models.DateTimeField(_("精选时间"), null=True, blank=True)
    # IP属地 of the writer when posting (accounts.ipregion); the region only, never the address.
    ip_region = models.CharField(_("IP属地"), max_length=20, blank=True)

    MAX_PINS = 3

    class Meta:
        verbose_name = _("跟贴")
        verbose_name_plural = _("跟贴")
        indexes = [
            # Newest top-level comments (root IS NULL) and a page's replies (root IN …).
            models.Index(fields=["article", "root", "-created_at"], name="comment_thread_idx"),
            # 热门跟贴: most up-voted of an article.
            models.Index(fields=["article", "-vote_count"], name="comment_hot_idx"),
            # Threads sorted 最热: top-level comments by votes (partial: top level only).
            models.Index(
                fields=["article", "-vote_count", "-created_at"],
                condition=models.Q(root__isnull=True),
                name="comment_top_hot_idx",
            ),
            # 精选: an article's pinned comments (partial: a handful of rows per article).
            models.Index(
                fields=["article", "pinned_at"],
                condition=models.Q(pinned_at__isnull=False),
                name="comment_pinned_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:30]

    @property
    def is_shown(self) -> bool:
        """Counted and shown with its text: neither deleted by its author nor held or removed."""
        return not self.is_deleted and self.moderation_state == self.State.VISIBLE

    @classmethod
    def shown_q(cls) -> models.Q:
        return models.Q(is_deleted=False, moderation_state=cls.State.VISIBLE)


class CommentVote(models.Model):
    """顶: one up-vote per user and comment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("顶")
        verbose_name_plural = _("顶")
        constraints = [
            # Also the index of "which of these comments did the user up-vote" (selectors).
            models.UniqueConstraint(fields=["user", "comment"], name="comment_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} 顶 {self.comment_id}"


class ArticleLike(models.Model):
    """点赞: one per user and article. Article.like_count counts these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_likes"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("点赞")
        verbose_name_plural = _("点赞")
        constraints = [
            # Also the index of "did this user like the article" (selectors.has_liked).
            models.UniqueConstraint(fields=["user", "article"], name="article_like_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} 赞 {self.article_id}"


class ShareCount(models.Model):
    """Uses of the 分享至 menu per article and channel; Article.share_count is their sum."""

    class Channel(models.TextChoices):
        WECHAT = "wechat", _("微信")
        WEIBO = "weibo", _("新浪微博")
        QQ = "qq", _("QQ")
        COPY = "copy", _("复制链接")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_counts")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("分享数")
        verbose_name_plural = _("分享数")
        constraints = [
            models.UniqueConstraint(fields=["article", "channel"], name="share_count_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.channel} {self.count}"


class Notification(models.Model):
    """通知 to a reader: a followed creator published, someone replied to their comment, or
    their comment got up-votes (one unread notification per comment, counting the votes); to a
    creator: an RSS subscription keeps failing (importer; ``count`` is the failures in a row)."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("关注的号发布了新文章")
        REPLY = "reply", _("回复了你的跟贴")
        VOTE = "vote", _("你的跟贴被顶")
        APPLICATION = "apply", _("入驻申请有了结果")
        MENTION = "mention", _("在跟贴中提到了你")
        FEED = "feed", _("RSS 订阅抓取失败")
        REPORT = "report", _("举报有了处理结果")
        MODERATION = "moderation", _("你的内容被处置")
        APPEAL = "appeal", _("申诉有了结果")
        CORRECTION = "correction", _("纠错有了结果")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "creators.CreatorApplication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The text of a notice written by an app above engagement, which engagement does not
    # import: moderation (REPORT, MODERATION, APPEAL), corrections (CORRECTION).
    message = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            # The notifications page: a user's newest first.
            models.Index(fields=["user", "-updated_at"], name="notif_user_idx"),
            # The unread badge on every page: a small partial index.
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notif_unread_idx"
            ),
        ]
        constraints = [
            # Up-votes are batched: one unread notification per comment, whose count grows.
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=models.Q(kind="vote", read_at__isnull=True),
                name="notif_vote_batch",
            ),
            # A publish notifies each follower once, even if the task runs again.
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=models.Q(kind="article"),
                name="notif_article_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class Bookmark(models.Model):
    """收藏: a reader keeps an article to read again. Private to the reader."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        constraints = [
            # Also the index of "has this reader saved the article" (selectors.has_bookmarked).
            models.UniqueConstraint(fields=["user", "article"], name="bookmark_once"),
        ]
        indexes = [
            # 我的收藏: a reader's bookmarks newest first, keyset on (created_at, id)
            # (selectors.bookmarks_page).
            models.Index(fields=["user", "-created_at", "-id"], name="bookmark_user_new_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} 收藏 {self.article_id}"


class ReadFlush(models.Model):
    """A batch of buffered reads already added to the articles (engagement.counters): written
    in the same transaction as the counts, so a batch that Redis hands out again after a crash
    between that commit and its removal is recognised and not counted twice. Rows older than a
    day are pruned by the flush."""

    batch = models.CharField(primary_key=True, max_length=32)
    applied_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.batch
