"""注销 (account deletion) and 个人信息副本 (data export): docs/reader-data.md.

Deletion is requested with the password, waits ``OPENHAO_ACCOUNT_DELETION_DAYS`` (15) days, in
which signing in withdraws it, and is then carried out by the periodic job (``deletions_run``,
``common.periodic``). Erasing keeps the user row as a tombstone (``User.deleted_at``): what
others still see — comments kept under "用户已注销", a creator's articles kept under
"已注销作者" — needs an author row, and the counters of what goes (follows, likes, 顶) move
down through the owning apps' own services, so they stay what a recount would give.

Every model with a foreign key to the user is listed in ``USER_RELATIONS`` with what erasure
does to it; a test fails when a new one is not listed. Erasure is idempotent: a request that is
done is never erased again, and each step works on what is left."""

from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from openhao.accounts import services as account_services
from openhao.accounts.models import AccessToken
from openhao.articles import services as article_services
from openhao.articles.models import Article, ArticleImage
from openhao.campaigns import selectors as campaign_selectors
from openhao.corrections import selectors as correction_selectors
from openhao.corrections import services as correction_services
from openhao.creators import services as creator_services
from openhao.engagement import services as engagement_services
from openhao.engagement.models import ArticleLike, Bookmark, Comment, CommentVote, Follow
from openhao.federation import services as federation_services
from openhao.importer import services as importer_services
from openhao.moderation import selectors as moderation_selectors
from openhao.ranking import services as ranking_services
from openhao.ranking.models import ReadHistory

from .models import AccountDeletion, DataExport

logger = logging.getLogger(__name__)

# (model label, field) of every relation to the user model -> what erasure does with it.
USER_RELATIONS = {
    ("account.EmailAddress", "user"): "deleted (with its confirmations)",
    ("admin.LogEntry", "user"): "kept: the staff's audit trail of the admin",
    ("creators.Creator", "user"): "articles unpublished or kept; profile → 已注销作者",
    ("creators.CreatorApplication", "user"): "personal fields erased; staff decision kept",
    ("creators.CreatorApplication", "decided_by"): "kept: the deciding staff member",
    ("moderation.ReviewRecord", "staff"): "kept: the deciding staff member (append-only)",
    # (A deleted creator's followers lose their follows of it: creator_followers_erase.)
    ("moderation.WordList", "updated_by"): "kept: the operator who last changed the list",
    ("moderation.SensitiveWord", "created_by"): "kept: the operator who listed the word",
    ("moderation.SpamFlag", "user"): "kept: the operators' record (rule, object, numbers only)",
    ("moderation.RingMember", "user"): "kept until the next ring job (likes are deleted)",
    # The moderation audit is append-only (docs/moderation.md, "Audit and account deletion"):
    # the rows stay and point at the tombstone user row, which keeps no personal data.
    ("moderation.ModerationAction", "actor"): "kept: the acting operator (append-only audit)",
    ("moderation.ModerationAction", "subject_user"): "kept: whose content it was (audit)",
    ("moderation.Report", "reporter"): "kept under the tombstone: the item's report history",
    ("moderation.Appeal", "user"): "kept under the tombstone: the decision it led to",
    ("moderation.CreditEvent", "user"): "kept: the append-only 信用分 ledger",
    ("moderation.Suspension", "user"): "kept: the record of the suspension",
    ("engagement.Follow", "user"): "deleted, follower counts drop",
    ("engagement.Comment", "user"): "kept under 用户已注销, text kept or removed",
    ("engagement.CommentVote", "user"): "deleted, vote counts drop",
    ("engagement.ArticleLike", "user"): "deleted, like counts drop",
    ("engagement.Notification", "user"): "deleted",
    ("engagement.Notification", "actor"): "actor cleared",
    ("engagement.Bookmark", "user"): "deleted",
    # A correction a suggestion led to stays: it is the creator's text and never names the
    # reader (corrections.services.user_suggestions_erase).
    ("corrections.Suggestion", "user"): "deleted; the corrections they led to stay",
    ("ranking.FeedHidden", "user"): "deleted",
    ("ranking.FeedMuted", "user"): "deleted",
    ("ranking.ReadHistory", "user"): "deleted",
    ("ranking.ReadHistoryRemoval", "user"): "deleted",
    ("privacy.AccountDeletion", "user"): "kept: the record of the request",
    ("privacy.DataExport", "user"): "files and rows deleted",
    ("accounts.AccessToken", "user"): "deleted (accounts.services.account_anonymise)",
    ("federation.RemoteFollowing", "user"): "deleted: federation.services.account_federation_erase",
    ("federation.ActorKey", "user"): "deleted: federation.services.account_federation_erase",
}


# The same for relations to a creator profile, which erasure keeps (as 已注销作者): what
# happens to what hangs off it.
CREATOR_RELATIONS = {
    ("articles.Article", "creator"): "unpublished or kept, by the creator's choice",
    ("articles.ArticleImage", "creator"): "kept with the articles that show them",
    ("ranking.ArticleScore", "creator"): "follows the articles",
    ("ranking.ArticleTerms", "creator"): "follows the articles",
    ("ranking.FeedMuted", "creator"): "kept: other readers' choice",
    ("analytics.ArticleDailyStats", "creator"): "kept: aggregate counts, nothing personal",
    ("analytics.CreatorDailyStats", "creator"): "kept: aggregate counts, nothing personal",
    ("engagement.Follow", "creator"): "deleted: engagement.services.creator_followers_erase",
    ("importer.FeedSubscription", "creator"): "deleted with its items and runs; exported",
    (
        "federation.RemoteFollower",
        "creator",
    ): "deleted: federation.services.account_federation_erase",
    ("federation.ActorKey", "creator"): "kept: the profile (已注销作者) stays an actor",
    # Campaigns keep what the results and the payouts rest on; the rows point at the tombstone
    # profile (已注销作者), which holds no personal data.
    ("campaigns.Entry", "creator"): "kept: the campaign's entries and results stay auditable",
    ("campaigns.LedgerEntry", "creator"): "kept: the append-only reward ledger (finance)",
    ("campaigns.Rejection", "creator"): "kept: which rules an article failed",
    ("campaigns.CreatorIndex", "creator"): "kept: a computed score, recomputed nightly",
}


def creator_relations() -> set[tuple[str, str]]:
    """Every (model label, field) that points at the creator model."""
    return user_relations(model=apps.get_model("creators", "Creator"))


def user_relations(model=None) -> set[tuple[str, str]]:
    """Every (model label, field) that points at the user model (or ``model``): foreign keys,
    one-to-ones and many-to-many fields of every installed model."""
    user_model = model or get_user_model()
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                field.is_relation
                and field.concrete
                and field.related_model is user_model
                and not field.auto_created
            ):
                found.add((model._meta.label, field.name))
    return found


# --- 注销 -------------------------------------------------------------------------------------


def deletion_pending(*, user) -> AccountDeletion | None:
    return AccountDeletion.objects.filter(user=user, status=AccountDeletion.Status.PENDING).first()


@transaction.atomic
def deletion_request(*, user, password: str, comments: str, articles: str) -> AccountDeletion:
    """Ask for 注销. The password is checked again (a signed-in browser left open is not
    enough); the choices say what becomes of the comments and (for a creator) the articles.
    Asking again while one is pending returns that one unchanged."""
    if not password or not user.check_password(password):
        raise ValidationError(_("密码不正确。"), code="password")
    if comments not in AccountDeletion.Comments.values:
        raise ValidationError(_("请选择如何处理您的跟贴。"), code="comments")
    if articles not in AccountDeletion.Articles.values:
        raise ValidationError(_("请选择如何处理您发布的文章。"), code="articles")
    pending = deletion_pending(user=user)
    if pending is not None:
        return pending
    now = timezone.now()
    return AccountDeletion.objects.create(
        user=user,
        comments=comments,
        articles=articles,
        requested_at=now,
        due_at=now + timedelta(days=settings.OPENHAO_ACCOUNT_DELETION_DAYS),
    )


def deletion_cancel(*, user) -> bool:
    """Withdraw a pending 注销. True when there was one."""
    return bool(
        AccountDeletion.objects.filter(user=user, status=AccountDeletion.Status.PENDING).update(
            status=AccountDeletion.Status.CANCELLED, cancelled_at=timezone.now()
        )
    )


def deletion_cancel_on_sign_in(*, request, user) -> None:
    """accounts.hooks.user_signed_in: signing in within the cooling-off period withdraws it."""
    if deletion_cancel(user=user):
        messages.info(request, _("您已重新登录，注销申请已撤销，账号继续保留。"))


def deletions_run(*, now=None) -> int:
    """Erase every account whose cooling-off period is over (the periodic job); each in its
    own transaction, so one failure leaves the others done. Returns the accounts erased."""
    now = now or timezone.now()
    due = list(
        AccountDeletion.objects.filter(
            status=AccountDeletion.Status.PENDING, due_at__lte=now
        ).values_list("pk", flat=True)
    )
    erased = 0
    for pk in due:
        try:
            erased += account_erase(deletion_id=pk)
        except Exception:
            logger.exception("account deletion %s failed; it is tried again next run", pk)
    return erased


@transaction.atomic
def account_erase(*, deletion_id: int) -> bool:
    """Carry out one 注销 request (once: False when it is no longer pending)."""
    deletion = (
        AccountDeletion.objects.select_for_update()
        .select_related("user")
        .filter(pk=deletion_id, status=AccountDeletion.Status.PENDING)
        .first()
    )
    if deletion is None:
        return False
    user = deletion.user
    creator = getattr(user, "creator", None)
    if creator is not None:
        if deletion.articles == AccountDeletion.Articles.UNPUBLISH:
            for article in Article.objects.filter(creator=creator).exclude(
                status__in=[Article.Status.DRAFT, Article.Status.REMOVED]
            ):
                article_services.article_unpublish(article=article)
        # Its RSS subscriptions stop (they would import into an erased account).
        importer_services.creator_imports_erase(creator=creator)
        creator_services.creator_anonymise(creator=creator)
        engagement_services.creator_followers_erase(creator=creator)
    creator_services.applications_erase(user=user)
    engagement_services.user_engagement_erase(
        user=user, remove_comments=deletion.comments == AccountDeletion.Comments.REMOVE
    )
    ranking_services.reader_data_erase(user=user)
    correction_services.user_suggestions_erase(user=user)
    federation_services.account_federation_erase(user=user, creator=creator)
    for export in DataExport.objects.filter(user=user):
        _export_file_delete(export)
    DataExport.objects.filter(user=user).delete()
    account_services.account_anonymise(user=user)
    deletion.status = AccountDeletion.Status.DONE
    deletion.done_at = timezone.now()
    deletion.save(update_fields=["status", "done_at"])
    return True


# --- 个人信息副本 ------------------------------------------------------------------------------


def export_request(*, user) -> DataExport:
    """Start a 个人信息副本: the ZIP is built by a task (privacy.tasks.export_build_task)."""
    from . import tasks  # tasks imports services

    now = timezone.now()
    export = DataExport.objects.create(
        user=user,
        token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(days=settings.OPENHAO_DATA_EXPORT_DAYS),
    )
    transaction.on_commit(lambda: tasks.export_build_task.enqueue(export.pk))
    return export


def _export_dir() -> Path:
    return Path(settings.OPENHAO_EXPORT_DIR)


def export_file_path(export: DataExport) -> Path | None:
    """The ZIP on disk, or None (not built, expired, or a path that leaves the export dir)."""
    if not export.path:
        return None
    root = _export_dir().resolve()
    path = (root / export.path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def _export_file_delete(export: DataExport) -> None:
    path = export_file_path(export)
    if path is not None:
        path.unlink(missing_ok=True)


def _dump(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _file_bytes(field) -> bytes | None:
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None  # a file missing from storage is left out, not a failed export


# The reader's own rows in a 个人信息副本: (file, model, order, fields), each filtered on
# ``user``. A new kind of reader data is one more line here (and one in USER_RELATIONS).
EXPORT_ROWS = (
    (
        "comments.json",
        Comment,
        ("created_at", "id"),
        (
            "id",
            "article_id",
            "article__title",
            "parent_id",
            "body",
            "is_deleted",
            "created_at",
            "ip_region",
        ),
    ),
    (
        "likes.json",
        ArticleLike,
        ("created_at", "id"),
        ("article_id", "article__title", "created_at"),
    ),
    ("comment_votes.json", CommentVote, ("created_at", "id"), ("comment_id", "created_at")),
    (
        "follows.json",
        Follow,
        ("created_at", "id"),
        ("creator_id", "creator__display_name", "created_at"),
    ),
    (
        "bookmarks.json",
        Bookmark,
        ("created_at", "id"),
        ("article_id", "article__title", "created_at"),
    ),
    ("history.json", ReadHistory, ("-read_at", "-id"), ("article_id", "article__title", "read_at")),
    # The API tokens' names and use, never their hashes (docs/api.md).
    (
        "api_tokens.json",
        AccessToken,
        ("created_at", "id"),
        ("name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"),
    ),
)


def export_contents(user) -> dict[str, bytes]:
    """The files of a user's 个人信息副本, by name: their own data only."""
    files: dict[str, bytes] = {}
    files["account.json"] = _dump(
        {
            "username": user.username,
            "email": user.email,
            "emails": list(user.emailaddress_set.values("email", "verified", "primary")),
            "nickname": user.nickname,
            "motto": user.motto,
            "ip_region": user.ip_region,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "history_paused": user.history_paused,
        }
    )
    avatar = _file_bytes(user.avatar)
    if avatar is not None:
        files[f"avatar/{Path(user.avatar.name).name}"] = avatar
    for name, model, order, fields in EXPORT_ROWS:
        rows = model.objects.filter(user=user).order_by(*order).values(*fields)
        files[name] = _dump(list(rows))
    files["moderation.json"] = _dump(moderation_selectors.user_moderation_export(user))
    files["corrections.json"] = _dump(correction_selectors.user_suggestions_export(user))
    creator = getattr(user, "creator", None)
    if creator is not None:
        files["creator.json"] = _dump(
            {
                "display_name": creator.display_name,
                "motto": creator.motto,
                "bio": creator.bio,
                "created_at": creator.created_at,
            }
        )
        files["feed_subscriptions.json"] = _dump(
            importer_services.creator_imports_export(creator=creator)
        )
        # Campaign entries and the reward ledger (收益), as the studio's CSV shows them.
        files["campaigns.json"] = _dump(campaign_selectors.creator_campaigns_export(creator))
        articles = Article.objects.filter(creator=creator).prefetch_related("topics")
        for article in articles.select_related("channel").order_by("id"):
            files[f"articles/{article.pk}.json"] = _dump(
                {
                    "id": article.pk,
                    "title": article.title,
                    "summary": article.summary,
                    "status": article.status,
                    "channel": article.channel.name if article.channel_id else "",
                    "topics": [t.name for t in article.topics.all()],
                    "created_at": article.created_at,
                    "published_at": article.published_at,
                    "deleted_at": article.deleted_at,
                    "body_html": article.body_html,
                }
            )
            files[f"articles/{article.pk}.html"] = (
                f'<!doctype html>\n<meta charset="utf-8">\n<title>{escape(article.title)}'
                f"</title>\n<h1>{escape(article.title)}</h1>\n{article.body_html}\n"
            ).encode()
            cover = _file_bytes(article.cover)
            if cover is not None:
                files[f"images/covers/{article.pk}-{Path(article.cover.name).name}"] = cover
        for image in ArticleImage.objects.filter(creator=creator).order_by("id"):
            content = _file_bytes(image.file)
            if content is not None:
                files[f"images/{image.pk}-{Path(image.file.name).name}"] = content
    return files


def export_build(*, export_id: int) -> bool:
    """Build the ZIP of a pending export (the task). False when there is none to build."""
    export = (
        DataExport.objects.select_related("user")
        .filter(pk=export_id, status=DataExport.Status.PENDING)
        .first()
    )
    if export is None or export.user.deleted_at is not None:
        return False
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_contents(export.user).items():
            archive.writestr(name, content)
    relative = f"{export.created_at:%Y/%m}/{export.token}.zip"
    path = _export_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    updated = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.READY,
        path=relative,
        size=len(buffer.getvalue()),
        ready_at=timezone.now(),
    )
    if not updated:  # erased meanwhile
        path.unlink(missing_ok=True)
    return bool(updated)


def exports_expire(*, now=None) -> int:
    """Delete the ZIPs past their 7 days (the periodic job). Returns how many."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now))
    for export in expired:
        _export_file_delete(export)
    DataExport.objects.filter(pk__in=[e.pk for e in expired]).update(
        status=DataExport.Status.EXPIRED, path=""
    )
    return len(expired)
