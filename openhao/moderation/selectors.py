"""Reads of moderation: the queues staff work through and the audit log."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from openhao.articles.models import Article, ArticleRevision
from openhao.creators.models import Creator, CreatorApplication
from openhao.engagement.models import Comment

from . import credit
from .models import (
    Appeal,
    ArticleHold,
    CreditEvent,
    ModerationAction,
    Report,
    ReviewRecord,
    RingMember,
    SpamFlag,
    Target,
    WordList,
)


def applications_pending() -> QuerySet[CreatorApplication]:
    # Index application_queue_idx (status, created_at).
    return (
        CreatorApplication.objects.filter(status=CreatorApplication.Status.PENDING)
        .select_related("user", "channel")
        .order_by("created_at", "id")
    )


def application_get(pk: int) -> CreatorApplication:
    try:
        return CreatorApplication.objects.select_related("user", "channel", "decided_by").get(pk=pk)
    except CreatorApplication.DoesNotExist:
        raise Http404("application not found") from None


def review_records(limit: int = 100) -> QuerySet[ReviewRecord]:
    return ReviewRecord.objects.select_related("staff", "application", "article", "revision")[
        :limit
    ]


def article_first_approval(article: Article) -> bool:
    """No staff member has passed this article before (an edit or a second review of it does
    not count towards 先审后发 again)."""
    return not ReviewRecord.objects.filter(
        article=article, decision=ReviewRecord.Decision.APPROVE
    ).exists()


def articles_pending_review() -> QuerySet[Article]:
    """The review queue, oldest submission first: articles waiting to go out, and published
    articles with an edit waiting (``revision_title`` and ``submitted_at`` set from it).
    Index article_pub_idx (status, ...) narrows to the pending articles; the partial unique
    index one_pending_revision_per_article finds the edits."""
    pending = ArticleRevision.objects.filter(
        article=OuterRef("pk"), status=ArticleRevision.Status.PENDING
    )
    edited = ArticleRevision.objects.filter(status=ArticleRevision.Status.PENDING).values(
        "article_id"
    )
    return (
        Article.objects.filter(deleted_at__isnull=True)
        .filter(
            Q(status=Article.Status.PENDING) | Q(status=Article.Status.PUBLISHED, pk__in=edited)
        )
        .select_related("creator", "channel")
        .defer("body_html")
        .annotate(
            revision_title=Subquery(pending.values("title")[:1]),
            submitted_at=Coalesce(Subquery(pending.values("updated_at")[:1]), F("updated_at")),
        )
        .order_by("submitted_at", "id")
    )


def article_get_for_review(pk: int) -> Article:
    try:
        return (
            Article.objects.select_related("creator", "channel")
            .prefetch_related("references", "topics")
            .get(pk=pk)
        )
    except Article.DoesNotExist:
        raise Http404("article not found") from None


# --- 举报 grouped per item, by weight ------------------------------------------------------------

# A reporter whose account is older than this counts fully; a newer one counts half (fresh
# accounts are how report brigades are made).
TRUSTED_REPORTER_DAYS = 30


def report_weight(*, reporters: int, trusted: int, reach: int) -> float:
    """How urgent an item's reports are: the reporters, each counting 0.5 and 1 once their
    account is older than TRUSTED_REPORTER_DAYS, times how far the item reaches (1 + log10 of
    1 + its readers: the article's 阅读数, a comment's article's, a creator's followers)."""
    return (0.5 * reporters + 0.5 * trusted) * (1 + math.log10(1 + max(reach, 0)))


@dataclass
class ReportGroup:
    target_type: str
    target_id: int
    reporters: int
    trusted: int
    first_at: object
    reach: int = 0
    weight: float = 0.0
    item: object = None
    author: object = None
    author_credit: int = credit.START
    author_actions: int = 0
    earlier: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    texts: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.target_type}:{self.target_id}"


def open_report_count() -> int:
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .values("target_type", "target_id")
        .distinct()
        .count()
    )


def _reach(groups: list[ReportGroup]) -> None:
    by_type: dict[str, list[int]] = defaultdict(list)
    for g in groups:
        by_type[g.target_type].append(g.target_id)
    reach: dict[tuple[str, int], int] = {}
    if by_type[Target.ARTICLE]:
        for pk, n in Article.objects.filter(pk__in=by_type[Target.ARTICLE]).values_list(
            "pk", "view_count"
        ):
            reach[(Target.ARTICLE, pk)] = n
    if by_type[Target.COMMENT]:
        for pk, n in Comment.objects.filter(pk__in=by_type[Target.COMMENT]).values_list(
            "pk", "article__view_count"
        ):
            reach[(Target.COMMENT, pk)] = n
    if by_type[Target.CREATOR]:
        for pk, n in Creator.objects.filter(pk__in=by_type[Target.CREATOR]).values_list(
            "pk", "follower_count"
        ):
            reach[(Target.CREATOR, pk)] = n
    for g in groups:
        g.reach = reach.get((g.target_type, g.target_id), 0)
        g.weight = report_weight(reporters=g.reporters, trusted=g.trusted, reach=g.reach)


def _targets_q(groups, prefix="") -> Q:
    q = Q(pk__in=[])
    by_type: dict[str, list[int]] = defaultdict(list)
    for g in groups:
        by_type[g.target_type].append(g.target_id)
    for target_type, ids in by_type.items():
        q |= Q(**{f"{prefix}target_type": target_type, f"{prefix}target_id__in": ids})
    return q


def report_groups(limit: int = 50, *, now=None) -> list[ReportGroup]:
    """The open reports, one entry per item, heaviest first (``report_weight``), each with its
    context: the item, its author with their 信用分 and number of earlier actions, the
    earlier actions on the item, the reasons and texts given. A bounded number of queries
    whatever the number of reports (11 at most); the rows read for the weights grow with the
    number of reported items, the context only with ``limit``."""
    now = now or timezone.now()
    trusted_before = now - timedelta(days=TRUSTED_REPORTER_DAYS)
    rows = (
        Report.objects.filter(status=Report.Status.OPEN)
        .values("target_type", "target_id")
        .annotate(
            reporters=Count("id"),
            trusted=Count("id", filter=Q(reporter__date_joined__lte=trusted_before)),
            first_at=Min("created_at"),
        )
        .order_by()
    )
    groups = [ReportGroup(**row) for row in rows]
    if not groups:
        return []
    _reach(groups)
    groups.sort(key=lambda g: (-g.weight, g.first_at))
    groups = groups[:limit]
    _context(groups, now)
    return groups


def _context(groups: list[ReportGroup], now) -> None:
    ids: dict[str, list[int]] = defaultdict(list)
    for g in groups:
        ids[g.target_type].append(g.target_id)
    items: dict[tuple[str, int], object] = {}
    authors: dict[tuple[str, int], object] = {}
    if ids[Target.ARTICLE]:
        for a in (
            Article.objects.filter(pk__in=ids[Target.ARTICLE])
            .select_related("creator__user")
            .defer("body_html")
        ):
            items[(Target.ARTICLE, a.pk)] = a
            authors[(Target.ARTICLE, a.pk)] = a.creator.user
    if ids[Target.COMMENT]:
        for c in Comment.objects.filter(pk__in=ids[Target.COMMENT]).select_related(
            "user", "article"
        ):
            items[(Target.COMMENT, c.pk)] = c
            authors[(Target.COMMENT, c.pk)] = c.user
    if ids[Target.CREATOR]:
        for c in Creator.objects.filter(pk__in=ids[Target.CREATOR]).select_related("user"):
            items[(Target.CREATOR, c.pk)] = c
            authors[(Target.CREATOR, c.pk)] = c.user
    author_ids = {u.pk for u in authors.values()}
    ledgers: dict[int, list] = defaultdict(list)
    for user_id, at, points in CreditEvent.objects.filter(user_id__in=author_ids).values_list(
        "user_id", "created_at", "points"
    ):
        ledgers[user_id].append((at, points))
    history = dict(
        ModerationAction.objects.filter(subject_user_id__in=author_ids)
        .exclude(kind=ModerationAction.Kind.DISMISS)
        .values("subject_user_id")
        .annotate(n=Count("id"))
        .values_list("subject_user_id", "n")
    )
    earlier: dict[tuple[str, int], list] = defaultdict(list)
    for action in ModerationAction.objects.filter(_targets_q(groups)).select_related("actor"):
        earlier[(action.target_type, action.target_id)].append(action)
    reasons: dict[tuple[str, int], Counter] = defaultdict(Counter)
    texts: dict[tuple[str, int], list] = defaultdict(list)
    labels = dict(Report.Reason.choices)
    for target_type, target_id, reason, text in (
        Report.objects.filter(_targets_q(groups), status=Report.Status.OPEN)
        .order_by("created_at")
        .values_list("target_type", "target_id", "reason", "text")
    ):
        reasons[(target_type, target_id)][labels[reason]] += 1
        if text:
            texts[(target_type, target_id)].append(text)
    for g in groups:
        key = (g.target_type, g.target_id)
        g.item = items.get(key)
        g.author = authors.get(key)
        if g.author is not None:
            g.author_credit = credit.score(ledgers[g.author.pk], now)
            g.author_actions = history.get(g.author.pk, 0)
        g.earlier = earlier[key]
        g.reasons = reasons[key].most_common()
        g.texts = texts[key][:5]


def item_reports(target_type: str, target_id: int) -> QuerySet[Report]:
    return Report.objects.filter(target_type=target_type, target_id=target_id).select_related(
        "reporter"
    )


def item_actions(target_type: str, target_id: int) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(
        target_type=target_type, target_id=target_id
    ).select_related("actor", "subject_user")


# --- 申诉, the log, the author's side ----------------------------------------------------------


def appeals_pending() -> QuerySet[Appeal]:
    # Index appeal_open_idx.
    return (
        Appeal.objects.filter(status=Appeal.Status.PENDING)
        .select_related("action", "action__actor", "user")
        .order_by("created_at", "id")
    )


def actions_log(*, before: int | None = None, limit: int = 100) -> list[ModerationAction]:
    """The audit log, newest first, keyset-paged by id (``before``): two joins, one query."""
    qs = ModerationAction.objects.select_related("actor", "subject_user").order_by("-id")
    if before:
        qs = qs.filter(pk__lt=before)
    return list(qs[:limit])


def action_get(pk: int) -> ModerationAction:
    try:
        return ModerationAction.objects.select_related("actor", "subject_user", "reverts").get(
            pk=pk
        )
    except ModerationAction.DoesNotExist:
        raise Http404("action not found") from None


def actions_for_author(user) -> list[ModerationAction]:
    """Every action on the author's content or account (index modaction_subject_idx), with
    its appeal and whether it was undone: three queries."""
    actions = list(
        ModerationAction.objects.filter(subject_user=user)
        .exclude(kind=ModerationAction.Kind.DISMISS)
        .select_related("appeal")
        .order_by("-created_at", "-id")
    )
    undone = set(
        ModerationAction.objects.filter(
            reverts__in=actions,
            kind__in=[ModerationAction.Kind.RESTORE, ModerationAction.Kind.APPEAL_GRANT],
        ).values_list("reverts_id", flat=True)
    )
    for action in actions:
        action.undone = action.pk in undone
        try:
            action.the_appeal = action.appeal
        except Appeal.DoesNotExist:
            action.the_appeal = None
    return actions


def credit_ledger(user) -> list[CreditEvent]:
    return list(
        CreditEvent.objects.filter(user=user)
        .select_related("action")
        .order_by("-created_at", "-id")
    )


def user_moderation_export(user) -> dict:
    """The moderation part of the 个人信息副本 (privacy.services.export_contents): the reader's
    own reports and appeals, the actions on their content and their 信用分 ledger — not who
    reported them, nor the operators' evidence."""
    return {
        "reports": list(
            Report.objects.filter(reporter=user)
            .order_by("created_at", "id")
            .values("target_type", "target_id", "reason", "text", "status", "created_at")
        ),
        "actions_on_my_content": list(
            ModerationAction.objects.filter(subject_user=user)
            .exclude(kind=ModerationAction.Kind.DISMISS)
            .order_by("created_at", "id")
            .values("id", "kind", "target_type", "target_id", "rule", "reason", "created_at")
        ),
        "appeals": list(
            Appeal.objects.filter(user=user)
            .order_by("created_at", "id")
            .values("action_id", "text", "status", "created_at")
        ),
        "credit": list(
            CreditEvent.objects.filter(user=user)
            .order_by("created_at", "id")
            .values("points", "rule", "action_id", "created_at")
        ),
    }


# --- content moderation: held comments, held articles, spam flags, word lists -----------------


def held_comments() -> QuerySet[Comment]:
    """Comments waiting for review (先审后显, a review-word or a spam rule), oldest first, for the
    operators' queue (modcontent:comments, and the moderation queue's registry)."""
    return (
        Comment.objects.filter(moderation_state=Comment.State.HELD, is_deleted=False)
        .select_related("user", "article")
        .only(
            "id", "body", "created_at", "article_id", "user_id", "moderation_state",
            "article__id", "article__title", "user__id", "user__username", "user__nickname",
            "user__deleted_at",
        )
        .order_by("created_at", "id")
    )  # fmt: skip


def held_comments_count() -> int:
    return Comment.objects.filter(moderation_state=Comment.State.HELD, is_deleted=False).count()


def held_articles() -> QuerySet[Article]:
    """Articles sent to review by a review-word or the 原创 check (open ArticleHold), with the
    hold's reason and match; staff decide them in the 先审后发 queue (review:article)."""
    holds = ArticleHold.objects.filter(article=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Article.objects.filter(
            deleted_at__isnull=True,
            pk__in=ArticleHold.objects.filter(resolved_at__isnull=True).values("article_id"),
        )
        .select_related("creator")
        .defer("body_html")
        .annotate(
            hold_reason=Subquery(holds.order_by("-created_at").values("reason")[:1]),
            hold_matched_id=Subquery(holds.order_by("-created_at").values("matched_id")[:1]),
            hold_similarity=Subquery(holds.order_by("-created_at").values("similarity")[:1]),
        )
        .order_by("updated_at", "id")
    )


def held_articles_count() -> int:
    return (
        ArticleHold.objects.filter(resolved_at__isnull=True, article__deleted_at__isnull=True)
        .values("article_id")
        .distinct()
        .count()
    )


def spam_flags(limit: int = 100) -> QuerySet[SpamFlag]:
    return SpamFlag.objects.select_related("user")[:limit]


def word_lists() -> QuerySet[WordList]:
    return WordList.objects.annotate(word_count=Count("words")).order_by("name")


def word_list_get(pk: int) -> WordList:
    try:
        return WordList.objects.get(pk=pk)
    except WordList.DoesNotExist:
        raise Http404("word list not found") from None


def creator_comments(*, user, held_only: bool = False, limit: int = 100) -> QuerySet[Comment]:
    """Comments under the articles of the creator ``user`` (the studio's 跟贴管理), newest
    first; held ones first when ``held_only``."""
    qs = Comment.objects.filter(article__creator__user=user, is_deleted=False).exclude(
        moderation_state=Comment.State.REMOVED
    )
    if held_only:
        qs = qs.filter(moderation_state=Comment.State.HELD)
    return qs.select_related("user", "article").order_by("-created_at", "-id")[:limit]


def creator_articles_for_comments(*, user) -> QuerySet[Article]:
    return (
        Article.objects.public()
        .filter(creator__user=user)
        .only("id", "title", "comment_mode", "comment_count")
        .order_by("-published_at")[:50]
    )


# --- moderation's answers to campaigns and the creator index (common.hooks) -------------------
# Connected in apps.ready to common.hooks.user_credit, accounts_flagged, originality_failed and
# user_violations; each answers for a batch in one or two queries.

# A spam-rule hit keeps an account out of campaign scoring for this long.
FLAG_WINDOW_DAYS = 90
# Hits of a review-word are about one text, not the account: they flag nobody.
NOT_ACCOUNT_RULES = ("sensitive_word",)


def credit_scores(*, user_ids, now=None, **_) -> dict[int, int]:
    """信用分 of the users who have a ledger (the others are at credit.START)."""
    now = now or timezone.now()
    ledgers: dict[int, list] = defaultdict(list)
    for user_id, at, points in CreditEvent.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "created_at", "points"
    ):
        ledgers[user_id].append((at, points))
    return {user_id: credit.score(events, now) for user_id, events in ledgers.items()}


def flagged_accounts(*, user_ids, now=None, **_) -> set[int]:
    """Accounts a spam rule hit in the last FLAG_WINDOW_DAYS, and reaction-ring members."""
    ids = _ids_param(user_ids)
    since = (now or timezone.now()) - timedelta(days=FLAG_WINDOW_DAYS)
    flagged = set(
        SpamFlag.objects.filter(user_id__in=ids, created_at__gte=since)
        .exclude(rule__in=NOT_ACCOUNT_RULES)
        .values_list("user_id", flat=True)
    )
    return flagged | set(
        RingMember.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    )


def _ids_param(ids):
    """The right-hand side of an ``__in`` on ids. On PostgreSQL, for many ids, one array
    parameter (``SELECT unnest(…)``): campaigns' scoring asks about ~15,000 accounts per batch,
    and building and binding that many placeholders cost more than the queries."""
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql" and len(ids) > 100:
        literal = "{" + ",".join(map(str, ids)) + "}"
        return RawSQL("SELECT unnest(%s::bigint[])", [literal])
    return ids


def originality_failed(*, article_ids, **_) -> set[int]:
    """Articles the 原创 check found to copy another creator's (an ArticleHold of that reason,
    open or decided: the 原创声明 was taken off either way)."""
    return set(
        ArticleHold.objects.filter(
            article_id__in=list(article_ids), reason=ArticleHold.Reason.ORIGINALITY
        ).values_list("article_id", flat=True)
    )


UPHELD_KINDS = (
    ModerationAction.Kind.REMOVE,
    ModerationAction.Kind.WARN,
    ModerationAction.Kind.SUSPEND,
)


def violation_counts(*, user_ids, since, **_) -> dict[int, int]:
    """Upheld violations since ``since``: removals, warnings and suspensions not undone by a
    restore or a granted appeal."""
    undone = ModerationAction.objects.filter(
        reverts=OuterRef("pk"),
        kind__in=[ModerationAction.Kind.RESTORE, ModerationAction.Kind.APPEAL_GRANT],
    )
    rows = (
        ModerationAction.objects.filter(
            subject_user_id__in=list(user_ids), created_at__gte=since, kind__in=UPHELD_KINDS
        )
        .exclude(Exists(undone))
        .values("subject_user_id")
        .annotate(n=Count("id"))
        .values_list("subject_user_id", "n")
    )
    return dict(rows)
