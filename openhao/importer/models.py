"""Feed subscriptions, the items seen in them (the upsert key), and the record of every poll."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedSubscription(models.Model):
    """An RSS/Atom feed a creator imports from. ``next_poll_at`` is when the scheduler polls it
    next; after errors it moves away exponentially (``failure_count``)."""

    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.CASCADE, related_name="feed_subscriptions"
    )
    url = models.URLField(_("订阅地址"), max_length=1000)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    # Publish new items directly (only honoured while the creator is past 先审后发).
    auto_publish = models.BooleanField(_("新文章直接发布"), default=False)
    is_active = models.BooleanField(default=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    failure_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # The creator was told that this feed keeps failing (reset by the next success).
    failure_notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("RSS 订阅")
        verbose_name_plural = _("RSS 订阅")
        constraints = [
            models.UniqueConstraint(fields=["creator", "url"], name="feed_creator_url_uniq")
        ]
        indexes = [
            # The scheduler's question: which active feeds are due.
            models.Index(fields=["is_active", "next_poll_at"], name="feed_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FeedItem(models.Model):
    """One entry of a feed, keyed by its GUID (or link): a re-fetch finds it and never makes a
    second draft. ``content_hash`` tells an edited entry from one seen before."""

    subscription = models.ForeignKey(
        FeedSubscription, on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(max_length=64)  # sha256 of the GUID, or of the link without one
    guid = models.TextField()
    link = models.URLField(max_length=1000, blank=True)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="feeditem_key_uniq")
        ]

    def __str__(self) -> str:
        return self.link or self.guid


class FeedRun(models.Model):
    """One poll of a feed: when, how long, what it found and what went wrong."""

    class Outcome(models.TextChoices):
        OK = "ok", _("成功")
        NOT_MODIFIED = "304", _("无更新")
        ERROR = "error", _("失败")

    subscription = models.ForeignKey(
        FeedSubscription, on_delete=models.CASCADE, related_name="runs"
    )
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=5, choices=Outcome.choices, default=Outcome.OK)
    items_seen = models.PositiveIntegerField(default=0)
    items_new = models.PositiveIntegerField(default=0)
    items_updated = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # The studio page: a feed's last runs.
            models.Index(fields=["subscription", "-started_at"], name="feedrun_sub_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.outcome}"
