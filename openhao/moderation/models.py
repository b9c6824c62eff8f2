"""The audit trail of staff decisions. ReviewRecord moved here from creators with its table
(``creators_reviewrecord``): the rows written before the move are the same rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewRecord(models.Model):
    """Append-only audit trail of staff decisions (who decided what, when and why) about
    applications and articles. Rows are never updated or deleted by the application."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("驳回")

    application = models.ForeignKey(
        "creators.CreatorApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    # Set when the decision was about an edit of a published article (its ArticleRevision).
    revision = models.ForeignKey(
        "articles.ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        db_table = "creators_reviewrecord"
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False, article__isnull=True)
                | models.Q(application__isnull=True, article__isnull=False),
                name="review_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("review records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("review records are append-only")


# --- 敏感词 ---------------------------------------------------------------------------------------


class WordList(models.Model):
    """A list of sensitive words (敏感词) that operators edit. ``version`` goes up on every
    change to the list or its words; the process's automaton is rebuilt when the combined
    version of all lists changes (services.word_filter)."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最后修改人"),
    )

    class Meta:
        verbose_name = _("敏感词表")
        verbose_name_plural = _("敏感词表")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SensitiveWord(models.Model):
    class Action(models.TextChoices):
        BLOCK = "block", _("禁止发布")
        REVIEW = "review", _("先审后显")
        REPLACE = "replace", _("替换为＊＊")

    word_list = models.ForeignKey(WordList, on_delete=models.CASCADE, related_name="words")
    word = models.CharField(_("词语"), max_length=50)
    action = models.CharField(_("处理"), max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("添加人"),
    )

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["word_list", "word"], name="sensitive_word_once")
        ]

    def __str__(self) -> str:
        return self.word


# --- 反垃圾 ---------------------------------------------------------------------------------------


class SpamFlag(models.Model):
    """One hit of a spam rule or a review-word (rule ``sensitive_word``) on a piece of content,
    for the operators: which rule, whose content, which object, what was seen. The content is
    held, never deleted, by the rule."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("跟贴")
        ARTICLE = "article", _("文章")
        USER = "user", _("账号资料")
        APPLICATION = "application", _("入驻申请")
        SIGNUP = "signup", _("注册")

    rule = models.CharField(_("规则"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="spam_flags",
        verbose_name=_("账号"),
    )
    object_kind = models.CharField(_("对象类型"), max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("对象"), null=True, blank=True)
    evidence = models.CharField(_("依据"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("反垃圾记录")
        verbose_name_plural = _("反垃圾记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_kind", "object_id"], name="spamflag_object_idx"),
            models.Index(fields=["-created_at"], name="spamflag_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.object_kind}:{self.object_id}"


class RingMember(models.Model):
    """An account the reaction-ring job (services.reaction_rings_refresh) found in a ring: its
    likes stop counting toward ranking. The job replaces the whole set each run."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ring_membership"
    )
    ring = models.PositiveIntegerField(_("圈子编号"))
    ring_size = models.PositiveIntegerField(_("圈子人数"))
    detected_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("互赞圈成员")
        verbose_name_plural = _("互赞圈成员")

    def __str__(self) -> str:
        return f"{self.user_id} (ring {self.ring})"


# --- 原创 check ----------------------------------------------------------------------------------


class Fingerprint(models.Model):
    """The MinHash signature of an article's public text (originality.py), written by a task
    after publish and edit. ``creator_id`` is copied so a lookup can tell another creator's
    article from the same creator's without a join."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="fingerprint"
    )
    creator_id = models.IntegerField()
    signature = models.BinaryField()
    size = models.PositiveIntegerField()
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("原创指纹")
        verbose_name_plural = _("原创指纹")

    def __str__(self) -> str:
        return f"fingerprint of article {self.article_id}"


class FingerprintBand(models.Model):
    """One LSH band key of a fingerprint (originality.BANDS per fingerprint); a lookup is an
    index scan per key of the new text."""

    key = models.BigIntegerField(db_index=True)
    fingerprint = models.ForeignKey(Fingerprint, on_delete=models.CASCADE, related_name="bands")

    class Meta:
        verbose_name = _("指纹分段")
        verbose_name_plural = _("指纹分段")

    def __str__(self) -> str:
        return str(self.key)


class ArticleHold(models.Model):
    """Why an article went to review instead of publishing: a review-word, or the 原创 check
    (``matched`` is the earlier article of another creator it is ≥ threshold similar to; its
    原创声明 was taken off). Closed (``resolved_at``) when staff decide the article."""

    class Reason(models.TextChoices):
        WORD = "word", _("含需审核词语")
        ORIGINALITY = "originality", _("与他人文章高度相似")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="moderation_holds"
    )
    reason = models.CharField(_("原因"), max_length=15, choices=Reason.choices)
    matched = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相似文章"),
    )
    similarity = models.FloatField(_("相似度"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文章暂缓发布")
        verbose_name_plural = _("文章暂缓发布")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["article"],
                condition=models.Q(resolved_at__isnull=True),
                name="articlehold_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.article_id}"


# --- 举报, 处置, 申诉, 信用分 -----------------------------------------------------------------


class AppendOnly(models.Model):
    """A row that is written once and never changed or deleted by the application (the admin
    shows it read-only). Erasing an account keeps the user row as a tombstone, so these rows
    keep pointing at it (docs/moderation.md, "Audit")."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")


class Target(models.TextChoices):
    """What a report or an action is about (``target_id`` is its primary key)."""

    ARTICLE = "article", _("文章")
    COMMENT = "comment", _("跟贴")
    CREATOR = "creator", _("创作者")
    USER = "user", _("账号")


class ModerationAction(AppendOnly):
    """One operator decision on one item: who, what, which rule, why, the evidence, and the
    item's state before and after (what a granted appeal restores)."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("驳回举报")
        REMOVE = "remove", _("下架")
        LABEL = "label", _("标注")
        WARN = "warn", _("警告")
        SUSPEND = "suspend", _("封禁账号")
        RESTORE = "restore", _("恢复")
        APPEAL_GRANT = "appeal_grant", _("申诉成立")
        APPEAL_REJECT = "appeal_reject", _("申诉驳回")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    kind = models.CharField(_("操作"), max_length=15, choices=Kind.choices)
    target_type = models.CharField(_("对象类型"), max_length=10, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(_("对象"))
    # The account whose content or rights the action touched (the author): their studio lists it.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    rule = models.CharField(_("依据规则"), max_length=20, blank=True)
    reason = models.CharField(_("理由（作者可见）"), max_length=500, blank=True)
    evidence = models.TextField(_("证据"), blank=True)
    before = models.JSONField(_("操作前"), default=dict, blank=True)
    after = models.JSONField(_("操作后"), default=dict, blank=True)
    credit_points = models.IntegerField(_("信用分变化"), default=0)
    # A restore or an appeal decision points at the action it undoes or judges.
    reverts = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reverted_by"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="modaction_target_idx"),
            models.Index(fields=["subject_user", "-created_at"], name="modaction_subject_idx"),
        ]
        permissions = [
            ("review_content", _("处理审核队列、举报和跟贴")),
            ("decide_appeal", _("裁决申诉")),
            ("manage_wordlists", _("管理敏感词表")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_type}:{self.target_id}"


class Report(models.Model):
    """举报: one per reader and item (report_once). Open until an operator acts or dismisses;
    then ``action`` says what was done and the reporter is told."""

    class Reason(models.TextChoices):
        ILLEGAL = "illegal", _("违法违规")
        PORN = "porn", _("色情低俗")
        RUMOR = "rumor", _("谣言/不实信息")
        INFRINGE = "infringe", _("侵权")
        AD = "ad", _("广告营销/引流")
        ABUSE = "abuse", _("人身攻击/辱骂")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACTIONED = "actioned", _("已处置")
        DISMISSED = "dismissed", _("未发现违规")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(max_length=10, choices=Target.choices[:3])
    target_id = models.PositiveBigIntegerField()
    reason = models.CharField(_("举报原因"), max_length=10, choices=Reason.choices)
    text = models.CharField(_("补充说明"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    action = models.ForeignKey(
        ModerationAction, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"], name="report_once"
            )
        ]
        indexes = [
            # The queue: open reports grouped per item.
            models.Index(
                fields=["target_type", "target_id"],
                condition=models.Q(status="open"),
                name="report_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} {self.reason}"


class Appeal(models.Model):
    """申诉: the author contests one action, once (one_appeal_per_action); decided by an
    operator other than the action's actor, which writes an APPEAL_* action."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待裁决")
        GRANTED = "granted", _("申诉成立")
        REJECTED = "rejected", _("申诉驳回")

    action = models.OneToOneField(ModerationAction, on_delete=models.PROTECT, related_name="appeal")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("申诉理由"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decision = models.ForeignKey(
        ModerationAction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(status="pending"), name="appeal_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.status}"


class CreditEvent(AppendOnly):
    """The 信用分 ledger: a violation's deduction (negative) or a refund (positive), with the
    rule and the action. The score is computed from it (credit.score)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField()
    rule = models.CharField(max_length=20)
    action = models.ForeignKey(ModerationAction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("信用分记录")
        verbose_name_plural = _("信用分记录")
        indexes = [models.Index(fields=["user", "created_at"], name="credit_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} {self.rule}"


class Suspension(models.Model):
    """An account may not write (comments, articles, profile) while a suspension is active:
    until ``until`` (None: permanently) unless lifted (by a restore or a granted appeal)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.OneToOneField(ModerationAction, on_delete=models.PROTECT, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    hide_comments = models.BooleanField(default=False)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("封禁")
        verbose_name_plural = _("封禁")
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(lifted_at__isnull=True), name="suspension_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.until or 'permanent'}"
