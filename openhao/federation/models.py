"""What federation stores: our actors' key pairs, the remote actors we know, who follows whom
across servers, what remote servers sent us (reactions, articles) and the deliveries that failed
for good. Every remote row is keyed on its ActivityPub id (a URL), so a re-delivery upserts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKey(models.Model):
    """The RSA key pair of one local actor (a creator, a reader who follows remote authors, or
    the instance actor that signs our fetches of remote documents), made on first need. The
    private key never leaves the server: only the signing code reads ``private_key_pem``."""

    creator = models.OneToOneField(
        "creators.Creator", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # True only on the instance actor's key (the unique constraint needs a column to hold).
    instance = models.BooleanField(default=False)
    public_key_pem = models.TextField()
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("本站行为者密钥")
        verbose_name_plural = _("本站行为者密钥")
        constraints = [
            # A creator's, a reader's, or (neither) the instance actor's: never both.
            models.CheckConstraint(
                condition=models.Q(creator__isnull=True) | models.Q(user__isnull=True),
                name="actorkey_one_owner",
            ),
            models.UniqueConstraint(
                fields=["instance"],
                condition=models.Q(creator__isnull=True, user__isnull=True),
                name="actorkey_one_instance_key",
            ),
        ]

    def __str__(self) -> str:
        if self.creator_id:
            return f"creator {self.creator_id}"
        return f"user {self.user_id}" if self.user_id else "instance"


class RemoteActor(models.Model):
    """An actor on another server, as its actor document said when last fetched."""

    uri = models.URLField(_("ID"), max_length=500, unique=True)
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    preferred_username = models.CharField(max_length=200, blank=True)
    domain = models.CharField(max_length=255)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    key_id = models.URLField(max_length=500, blank=True)
    public_key_pem = models.TextField(blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = _("联邦宇宙用户")
        verbose_name_plural = _("联邦宇宙用户")

    def __str__(self) -> str:
        return self.handle

    @property
    def handle(self) -> str:
        return f"@{self.preferred_username}@{self.domain}" if self.preferred_username else self.uri

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class RemoteFollower(models.Model):
    """A remote actor following one of our creators (they sent Follow; we sent Accept)."""

    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.CASCADE, related_name="remote_followers"
    )
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联邦宇宙粉丝")
        verbose_name_plural = _("联邦宇宙粉丝")
        constraints = [
            models.UniqueConstraint(fields=["creator", "actor"], name="remote_follower_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} → creator {self.creator_id}"


class RemoteReaction(models.Model):
    """A Like or an Announce (转发) of one of our articles from the fediverse. Counted apart
    from local engagement: a remote account is no reader here, and ranking must not be gamed
    through a server anyone can run."""

    class Kind(models.TextChoices):
        LIKE = "like", _("点赞")
        ANNOUNCE = "announce", _("转发")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="remote_reactions"
    )
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    activity_id = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联邦宇宙互动")
        verbose_name_plural = _("联邦宇宙互动")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "actor", "kind"], name="remote_reaction_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id} by {self.actor_id}"


class RemoteFollowing(models.Model):
    """A reader here following a remote actor: pending until its server sends Accept."""

    class State(models.TextChoices):
        PENDING = "pending", _("等待对方确认")
        ACCEPTED = "accepted", _("已关注")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remote_following"
    )
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="followed_by")
    follow_id = models.URLField(max_length=500, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("关注的联邦宇宙作者")
        verbose_name_plural = _("关注的联邦宇宙作者")
        constraints = [
            models.UniqueConstraint(fields=["user", "actor"], name="remote_following_unique")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} → {self.actor_id}"


class RemoteObject(models.Model):
    """An article or note a followed remote actor sent us (Create; Update replaces it; Delete
    removes the row). ``content`` went through the article sanitiser."""

    uri = models.URLField(max_length=500, unique=True)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="remote_objects")
    type = models.CharField(max_length=40)
    name = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    content = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("联邦宇宙文章")
        verbose_name_plural = _("联邦宇宙文章")
        indexes = [models.Index(fields=["actor", "-published"], name="remote_object_actor_idx")]

    def __str__(self) -> str:
        return self.name or self.uri


class OutboxEntry(models.Model):
    """An article we announced with Create, so that a change sends Update and a removal sends
    Delete (and a never-announced article sends nothing on removal)."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="outbox_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"article {self.article_id}"


class SeenSignature(models.Model):
    """Signatures accepted within the signature window: the same one again is a replay."""

    digest = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest


class DeadLetter(models.Model):
    """A delivery given up after its last attempt, kept for an operator to look at."""

    inbox = models.URLField(max_length=500)
    activity = models.JSONField()
    signer = models.CharField(max_length=50)
    attempts = models.PositiveSmallIntegerField()
    last_error = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投递失败记录")
        verbose_name_plural = _("投递失败记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.inbox} ({self.attempts})"
