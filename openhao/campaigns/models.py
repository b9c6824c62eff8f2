"""Campaigns (征文/激励计划): the programme, its reward tiers, the entries with their scores,
the articles that were refused with the rules they failed, and the append-only reward ledger.
docs/campaigns.md explains the rules, scoring and settlement."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openhao.articles.models import Article, Channel, Topic
from openhao.articles.sanitize import sanitize_body
from openhao.creators.models import Creator


class Currency(models.TextChoices):
    POINTS = "points", _("积分")
    FEN = "fen", _("现金（分）")


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("进行中")
        CLOSED = "closed", _("已结束")
        SETTLED = "settled", _("已结算")

    slug = models.SlugField(_("网址名"), unique=True)
    name = models.CharField(_("名称"), max_length=60)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("话题")
    )
    description_html = models.TextField(_("说明"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("截止时间"))
    settles_at = models.DateTimeField(_("结算时间"))
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="campaigns", verbose_name=_("参与频道")
    )
    min_chars = models.PositiveIntegerField(_("最少字数"), default=0)
    original_only = models.BooleanField(_("仅限原创"), default=False)
    min_images = models.PositiveSmallIntegerField(_("最少图片数"), default=0)
    min_credit = models.PositiveSmallIntegerField(_("最低信用分"), default=0)
    max_entries = models.PositiveSmallIntegerField(_("每位作者最多参赛篇数"), default=3)
    budget_fen = models.PositiveBigIntegerField(_("现金预算（分）"), default=0)
    budget_points = models.PositiveBigIntegerField(_("积分预算"), default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    closed_at = models.DateTimeField(null=True, blank=True)
    ranks_frozen_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["topic", "status"], name="campaign_topic_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_period_order"
            ),
            models.CheckConstraint(
                condition=Q(settles_at__gte=models.F("ends_at")), name="campaign_settle_after_end"
            ),
        ]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        # Checked by permissions.can_run_campaigns; the 运营 group holds it (migration 0004).
        permissions = [("run_campaigns", _("运行活动（创建、发布、结束、结算）"))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Like Article.body_html: no write path may store a live script.
        self.description_html = sanitize_body(self.description_html or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"campaign_slug": self.slug})

    @property
    def hashtag(self) -> str:
        return f"#{self.topic.name}#"

    def is_open_at(self, moment) -> bool:
        return self.status == self.Status.PUBLISHED and self.starts_at <= moment <= self.ends_at


class RewardTier(models.Model):
    """One prize rule: ranks ``rank_from``–``rank_to`` each get ``amount``, or (``every``)
    every qualifying entry does."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tiers")
    label = models.CharField(_("名称"), max_length=30)
    every = models.BooleanField(_("所有合格参赛作品"), default=False)
    rank_from = models.PositiveIntegerField(_("起始名次"), default=1)
    rank_to = models.PositiveIntegerField(_("截止名次"), default=1)
    currency = models.CharField(
        _("奖励类型"), max_length=6, choices=Currency.choices, default=Currency.POINTS
    )
    amount = models.PositiveBigIntegerField(_("每份数额"))

    class Meta:
        ordering = ["campaign", "every", "rank_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rank_to__gte=models.F("rank_from")), name="tier_rank_order"
            ),
            models.CheckConstraint(condition=Q(rank_from__gte=1), name="tier_rank_from_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    def covers(self, rank: int) -> bool:
        return self.every or self.rank_from <= rank <= self.rank_to


class Entry(models.Model):
    """An article entered in a campaign. The counters hold the engagement that counts (inside
    the period, not the author's, not flagged accounts', not accounts younger than the entry);
    ``score`` is their weighted sum (scoring.py). ``final_rank`` is set once at settlement."""

    # campaign and creator lead indexes below; their own FK indexes would only slow writes.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="campaign_entries")
    creator = models.ForeignKey(
        Creator, on_delete=models.PROTECT, related_name="campaign_entries", db_index=False
    )
    entered_at = models.DateTimeField()
    reads = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    score = models.BigIntegerField(default=0)
    final_rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "article"], name="entry_once"),
        ]
        # No index holds a counter or the score: scoring rewrites them all the time, and on
        # PostgreSQL such updates stay HOT (no index writes) while no indexed column changes.
        # The table leaderboard has its own table (BoardRow).
        indexes = [
            # 全部参赛作品, newest first (keyset).
            models.Index(fields=["campaign", "-entered_at", "-id"], name="entry_recent_idx"),
            models.Index(fields=["creator", "campaign"], name="entry_creator_idx"),
        ]

    def __str__(self) -> str:
        return f"entry {self.pk} (campaign {self.campaign_id}, article {self.article_id})"


class BoardRow(models.Model):
    """The leaderboard as an indexed table, used when Redis is not configured (leaderboard.py:
    ``TableBoard``); with Redis the sorted set holds the same (entry, score) pairs."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, db_index=False)
    score = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["campaign", "-score", "entry"], name="board_rank_idx")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.score}"


class Rejection(models.Model):
    """An article with the campaign's hashtag that did not qualify, and why (rule codes with
    their parameters; the studio words them, rules.py)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rejections")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    failed = models.JSONField(default=list)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "article"], name="rejection_once"),
        ]
        indexes = [models.Index(fields=["creator", "campaign"], name="rejection_creator_idx")]

    def __str__(self) -> str:
        return f"rejection (campaign {self.campaign_id}, article {self.article_id})"


class LedgerEntry(models.Model):
    """The reward ledger: append-only, integer amounts. One ``reward`` row per (campaign, tier,
    rank), enforced by a unique constraint, so settling again or resuming after a crash pays
    nobody twice. A mistake is put right with a ``correction`` row (positive or negative),
    never by editing a row."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("奖励")
        CORRECTION = "correction", _("更正")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ledger")
    tier = models.ForeignKey(RewardTier, on_delete=models.PROTECT, related_name="ledger")
    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="ledger")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="ledger")
    rank = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REWARD)
    currency = models.CharField(max_length=6, choices=Currency.choices)
    amount = models.BigIntegerField()
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "tier", "rank"],
                condition=Q(kind="reward"),
                name="ledger_reward_once",
            ),
        ]
        indexes = [models.Index(fields=["creator", "-created_at"], name="ledger_creator_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} (campaign {self.campaign_id})"


class CreatorIndex(models.Model):
    """The creator index (创作者指数, 0–1000) of the last nightly run, its five components (0–200
    each) and the level (1–5★) it gives, with hysteresis (creator_index.py)."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="index")
    score = models.PositiveSmallIntegerField(default=0)
    health = models.PositiveSmallIntegerField(default=0)
    originality = models.PositiveSmallIntegerField(default=0)
    activity = models.PositiveSmallIntegerField(default=0)
    engagement = models.PositiveSmallIntegerField(default=0)
    expertise = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=1)
    # The raw figures behind the components, for the studio's "what would raise it".
    facts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-score"], name="creator_index_score_idx")]

    def __str__(self) -> str:
        return f"creator {self.creator_id}: {self.score}"
