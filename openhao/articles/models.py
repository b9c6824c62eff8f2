from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openhao.common.urls import url_for_pk
from openhao.creators.models import Creator

from .sanitize import sanitize_body
from .validators import validate_topic_name


class Section(models.Model):
    """A group of channels shown together: 要闻 (news boxes) or 态度原创 (original sections)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("名称"), max_length=20)
    order = models.PositiveSmallIntegerField(default=0)
    is_original = models.BooleanField(_("原创板块"), default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("板块")
        verbose_name_plural = _("板块")

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="channels")
    # Title of the channel's headline box, e.g. 体育要闻.
    box_title = models.CharField(_("要闻框标题"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("频道")
        verbose_name_plural = _("频道")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:channel", args=[self.slug])

    @property
    def heading(self) -> str:
        return self.box_title or self.name


class Topic(models.Model):
    """A hashtag (#话题#). Campaign hashtags are topics too; campaigns attach rules to them."""

    name = models.CharField(_("话题"), max_length=40, unique=True, validators=[validate_topic_name])
    description = models.CharField(_("简介"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("话题")
        verbose_name_plural = _("话题")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", args=[self.name])


class ArticleQuerySet(models.QuerySet):
    def public(self) -> ArticleQuerySet:
        """What readers may see (see ``public_q``)."""
        return self.filter(public_q())


class ModerationLabel(models.TextChoices):
    RUMOR = "rumor", _("谣言")
    DISPUTED = "disputed", _("存在争议")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("审核中")
        SCHEDULED = "scheduled", _("定时发布")
        PUBLISHED = "published", _("已发布")
        REMOVED = "removed", _("已下架")

    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="articles")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(_("标题"), max_length=64)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    body_html = models.TextField(_("正文"), blank=True)
    cover = models.ImageField(_("封面"), upload_to="covers/%Y/%m/", blank=True)
    cover_alt = models.CharField(_("封面说明"), max_length=120, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_original = models.BooleanField(_("原创"), default=False)
    # Staff-pinned top story (要闻置顶); the ranking issue adds scores beside it.
    is_pinned = models.BooleanField(_("要闻置顶"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # When a scheduled (or reviewed-then-scheduled) article goes public.
    scheduled_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True)
    # Last change to a published article by its creator; the URL never changes.
    edited_at = models.DateTimeField(_("最后编辑时间"), null=True, blank=True)
    # Deleted by the creator: in the 回收站 (restorable) for OPENHAO_TRASH_DAYS, then purged.
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    # The status it had when deleted, which a restore gives back.
    deleted_status = models.CharField(
        _("删除前状态"), max_length=10, choices=Status.choices, blank=True
    )
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    # An operator's label shown above the body (moderation: label action), with a link to the
    # correction or 辟谣 article.
    moderation_label = models.CharField(
        _("标注"), max_length=10, choices=ModerationLabel.choices, blank=True
    )
    moderation_label_url = models.CharField(_("辟谣/更正链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    view_count = models.PositiveIntegerField(_("阅读数"), default=0)
    comment_count = models.PositiveIntegerField(_("跟贴数"), default=0)
    like_count = models.PositiveIntegerField(_("点赞数"), default=0)
    share_count = models.PositiveIntegerField(_("分享数"), default=0)
    # Likes given by accounts in a reaction ring (moderation's periodic job): counted in
    # like_count as the reader sees it, left out of the hot score (ranking.scores).
    ring_like_count = models.PositiveIntegerField(_("互赞圈点赞数"), default=0)
    # How many of the edits readers saw were marked 更正 (ArticleChange, kind correction): the
    # "本文已更正 N 次" line of the article page, read with the row at no extra query.
    correction_count = models.PositiveIntegerField(_("更正次数"), default=0)

    class CommentMode(models.TextChoices):
        OPEN = "open", _("开放跟贴")
        REVIEWED = "reviewed", _("先审后显")
        CLOSED = "closed", _("关闭跟贴")

    # The creator's choice for new comments (studio): shown at once, held until the creator or
    # an operator approves them, or none at all.
    comment_mode = models.CharField(
        _("跟贴设置"), max_length=10, choices=CommentMode.choices, default=CommentMode.OPEN
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        # Each index serves a list in selectors.py; the comment there names it.
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_pub_idx"),
            models.Index(
                fields=["channel", "status", "-published_at"], name="article_channel_pub_idx"
            ),
            models.Index(
                fields=["creator", "status", "-published_at"], name="article_creator_pub_idx"
            ),
            models.Index(
                fields=["is_pinned", "status", "-published_at"], name="article_pinned_idx"
            ),
            # services.articles_publish_due: scheduled articles whose time has come.
            models.Index(fields=["status", "scheduled_at"], name="article_scheduled_idx"),
            # The trash: a creator's deleted articles, and the purge of the expired ones. Partial,
            # so it stays as small as the trash.
            models.Index(
                fields=["creator", "-deleted_at"],
                condition=models.Q(deleted_at__isnull=False),
                name="article_trash_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Sanitising here, not in a service, makes it an invariant of the table: admin edits,
        # importers and fixtures cannot store a live script.
        self.body_html = sanitize_body(self.body_html)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return url_for_pk("articles:detail", self.pk)

    @property
    def is_public(self) -> bool:
        """The instance twin of ``public_q``; load ``PUBLIC_FIELDS`` to read it for free."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.deleted_at is None
        )


# The one definition of a public article: published, with a publishing time, not soft-deleted.
# Pages, lists, search, counts and feeds all use it (``Article.objects.public()``, ``public_q``
# for joins, ``Article.is_public`` for a loaded row), so they cannot disagree. A time in the
# future is not part of it: the derived tables (scores, keywords, search) are written when the
# status changes and nothing would add the article when its time came, so a future time is a
# schedule (``Status.SCHEDULED``) and ``article_publish`` refuses one.
PUBLIC_FIELDS = ("status", "published_at", "deleted_at")


def public_q(prefix: str = "") -> models.Q:
    """The condition "the article is public", on ``Article`` or across a relation:
    ``public_q("article__")`` on a model with an ``article`` foreign key."""
    return models.Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__isnull": False,
            f"{prefix}deleted_at__isnull": True,
        }
    )


class Reference(models.Model):
    """One entry of 参考资料: title — source, with an optional link."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(_("标题"), max_length=200)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    url = models.URLField(_("链接"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("参考资料")
        verbose_name_plural = _("参考资料")

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """A proposed new version of a published article, waiting for staff review while its creator
    is under 先审后发. The published version stays online meanwhile; approval copies this one
    over it, rejection keeps it as history with the reason. It holds the whole proposed state:
    hashtags as names (no Topic rows are made for unreviewed text) and references as data."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=64)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    body_html = models.TextField(_("正文"), blank=True)
    cover = models.ImageField(_("封面"), upload_to="covers/%Y/%m/", blank=True)
    cover_alt = models.CharField(_("封面说明"), max_length=120, blank=True)
    is_original = models.BooleanField(_("原创"), default=False)
    topic_names = models.JSONField(_("话题"), default=list, blank=True)
    # [{"title": ..., "source": ..., "url": ...}, ...] in display order.
    references = models.JSONField(_("参考资料"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    # The creator marked this edit as a 更正 with this note (blank: a plain edit); carried to
    # the public change log (ArticleChange) when the revision is approved.
    correction_note = models.CharField(_("更正说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("修改稿")
        verbose_name_plural = _("修改稿")
        constraints = [
            # One edit waits at a time: a second save updates it.
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(status="pending"),
                name="one_pending_revision_per_article",
            )
        ]
        indexes = [
            # The studio list's "latest revision" of each article (selectors.studio_articles).
            models.Index(fields=["article", "-created_at"], name="revision_latest_idx"),
            # The review queue: pending edits, oldest first.
            models.Index(fields=["status", "updated_at"], name="revision_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.title}"

    def save(self, *args, **kwargs):
        self.body_html = sanitize_body(self.body_html)
        super().save(*args, **kwargs)


class ArticleChange(models.Model):
    """One entry of an article's public change log (更正记录, ``/article/<id>/corrections/``): a
    change to what readers saw of a published article. An edit (修改) or a correction (更正, with
    the creator's note) keeps the version it replaced — title, summary, body as they were
    public — so the log can show what changed; an operator's label (谣言 / 存在争议, or its
    removal) keeps the label. Written only by articles.services, never changed afterwards.
    Edits of drafts and of pending articles leave no entry: readers never saw them."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("修改")
        CORRECTION = "correction", _("更正")
        LABEL = "label", _("平台标注")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("更正说明"), max_length=300, blank=True)
    # The version this change replaced (edit, correction), and since when readers saw it.
    title = models.CharField(_("原标题"), max_length=64, blank=True)
    summary = models.CharField(_("原摘要"), max_length=200, blank=True)
    body_html = models.TextField(_("原正文"), blank=True)
    shown_since = models.DateTimeField(_("原版本发布时间"), null=True, blank=True)
    # The approved revision that made this change (先审后发), so that a reader's 纠错 accepted
    # while the edit waited for review finds its correction.
    revision = models.OneToOneField(
        ArticleRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="change"
    )
    # kind label: the label set ("" when it was removed) and its 辟谣 link.
    label = models.CharField(_("标注"), max_length=10, choices=ModerationLabel.choices, blank=True)
    label_url = models.CharField(_("辟谣/更正链接"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        indexes = [
            # The log page of one article, in time order (selectors.article_changes).
            models.Index(fields=["article", "at"], name="article_change_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M:%S}"


class ArticleAutosave(models.Model):
    """The editor's latest autosaved state of an article (one row per article), kept apart
    from the article so that autosaving never changes what readers see."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="autosave")
    title = models.CharField(_("标题"), max_length=64, blank=True)
    body_html = models.TextField(_("正文"), blank=True)
    saved_at = models.DateTimeField(_("自动保存时间"))

    class Meta:
        verbose_name = _("自动保存")
        verbose_name_plural = _("自动保存")

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.saved_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        self.body_html = sanitize_body(self.body_html)
        super().save(*args, **kwargs)


class ArticleImage(models.Model):
    """An image a creator uploaded in the studio (into the body or as a cover). The stored
    original is already cleaned (decoded and re-encoded, EXIF gone); ``renditions`` lists the
    resized copies made by the ``make_renditions`` task: {"640.webp": "images/...", ...}."""

    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="images")
    file = models.ImageField(
        _("图片"), upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    renditions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("图片")
        verbose_name_plural = _("图片")

    def __str__(self) -> str:
        return self.file.name
