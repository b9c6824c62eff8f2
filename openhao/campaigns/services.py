"""Writes of campaigns: publishing and closing a campaign, entering articles, settlement and
ledger corrections. Scoring is in scoring.py, the leaderboard store in leaderboard.py."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles.models import Article, public_q
from openhao.common.cache import bump_tags

from .creator_index import campaign_winner_badges
from .leaderboard import board
from .models import Campaign, Currency, Entry, LedgerEntry, Rejection, RewardTier
from .rules import failed_rules
from .scoring import campaign_tag

LEDGER_CHUNK = 1000


def _bump_on_commit(campaign: Campaign) -> None:
    # The topic page links to a running campaign, so it follows the campaign's state.
    tags = [campaign_tag(campaign.pk), "lists"]
    transaction.on_commit(lambda: bump_tags(*tags))


@transaction.atomic
def campaign_publish(*, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("只有草稿状态的活动可以发布。"), code="state")
    if not campaign.tiers.exists():
        raise ValidationError(_("请至少设置一档奖励。"), code="no_tiers")
    campaign.status = Campaign.Status.PUBLISHED
    campaign.save(update_fields=["status", "updated_at"])
    _bump_on_commit(campaign)
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, now=None) -> Campaign:
    """End a running campaign early: no new entries, engagement stops counting."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(_("只有进行中的活动可以提前结束。"), code="state")
    now = now or timezone.now()
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = now
    if campaign.ends_at > now:
        campaign.ends_at = max(now, campaign.starts_at + timezone.timedelta(seconds=1))
        if campaign.settles_at < campaign.ends_at:
            campaign.settles_at = campaign.ends_at
    campaign.save(update_fields=["status", "closed_at", "ends_at", "settles_at", "updated_at"])
    _bump_on_commit(campaign)
    return campaign


def article_entry_check(*, campaign: Campaign, article: Article) -> Entry | Rejection:
    """Enter ``article`` if it qualifies, else record the rules it failed (kept up to date:
    a later publish of the same article checks again)."""
    if Entry.objects.filter(campaign=campaign, article=article).exists():
        return Entry.objects.get(campaign=campaign, article=article)
    channel_ids = set(campaign.channels.values_list("pk", flat=True))
    failures = failed_rules(campaign, article, channel_ids=channel_ids)
    if failures:
        rejection, _created = Rejection.objects.update_or_create(
            campaign=campaign,
            article=article,
            defaults={"creator_id": article.creator_id, "failed": [f.as_json() for f in failures]},
        )
        return rejection
    Rejection.objects.filter(campaign=campaign, article=article).delete()
    entry = Entry.objects.create(
        campaign=campaign,
        article=article,
        creator_id=article.creator_id,
        entered_at=article.published_at,
    )
    board().set_scores([(campaign.pk, entry.pk, 0)])
    _bump_on_commit(campaign)
    return entry


def article_published_enter(*, article_id: int) -> list[Entry | Rejection]:
    """articles.hooks.article_published: enter the article in each published campaign whose
    hashtag it carries."""
    article = Article.objects.select_related("creator").filter(pk=article_id).first()
    if article is None or not article.is_public:
        return []
    topic_ids = list(article.topics.values_list("pk", flat=True))
    if not topic_ids:
        return []
    campaigns = Campaign.objects.filter(
        topic_id__in=topic_ids, status=Campaign.Status.PUBLISHED
    ).select_related("topic")
    return [article_entry_check(campaign=c, article=article) for c in campaigns]


# --- settlement -------------------------------------------------------------------------------


class SettlementError(ValidationError):
    pass


def _freeze_ranks(campaign: Campaign) -> int:
    """Give every qualifying entry (its article still public) its final rank, once: (score
    desc, entry id asc), the leaderboard's order. Entries whose article went away get none."""
    table = Entry._meta.db_table
    public = Article.objects.filter(public_q()).values("pk").query
    public_sql, public_params = public.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET final_rank = ranked.rn FROM ("  # noqa: S608 - table names only
            f" SELECT e.id AS eid, ROW_NUMBER() OVER (ORDER BY e.score DESC, e.id ASC) AS rn"
            f" FROM {table} e WHERE e.campaign_id = %s AND e.article_id IN ({public_sql})"
            f") AS ranked WHERE {table}.id = ranked.eid",
            [campaign.pk, *public_params],
        )
        return cursor.rowcount


def settlement_plan(campaign: Campaign) -> dict[str, int]:
    """What settlement pays in total, per currency (from the frozen ranks, or the live order
    before freezing)."""
    totals: dict[str, int] = defaultdict(int)
    qualifying = Entry.objects.filter(public_q("article__"), campaign=campaign)
    if campaign.ranks_frozen_at:
        qualifying = qualifying.filter(final_rank__isnull=False)
    n = qualifying.count()
    for tier in campaign.tiers.all():
        count = n if tier.every else max(0, min(tier.rank_to, n) - tier.rank_from + 1)
        totals[tier.currency] += count * tier.amount
    return dict(totals)


def _ledger_write(rows: list[LedgerEntry]) -> None:
    with transaction.atomic():
        LedgerEntry.objects.bulk_create(rows, ignore_conflicts=True)


def campaign_settle(*, campaign: Campaign, now=None, chunk: int = LEDGER_CHUNK) -> int:
    """Pay the rewards. Idempotent and resumable: the ranks are frozen once, then the ledger
    is written in chunks, each its own transaction, and the unique (campaign, tier, rank) of
    reward rows makes a repeated or resumed run skip what is already there. Refuses to pay
    more than the budget (nothing is written then). Returns the reward rows added."""
    now = now or timezone.now()
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.status == Campaign.Status.SETTLED:
        return 0
    if campaign.status == Campaign.Status.DRAFT or (
        campaign.status == Campaign.Status.PUBLISHED and campaign.ends_at > now
    ):
        raise SettlementError(_("活动尚未结束，不能结算。"), code="running")
    before = LedgerEntry.objects.filter(campaign=campaign, kind=LedgerEntry.Kind.REWARD).count()
    if not campaign.ranks_frozen_at:
        plan = settlement_plan(campaign)
        budgets = {Currency.FEN: campaign.budget_fen, Currency.POINTS: campaign.budget_points}
        for currency, total in plan.items():
            budget = budgets[currency]
            if budget and total > budget:
                raise SettlementError(
                    _("奖励合计 %(total)s 超出预算 %(budget)s（%(currency)s）。")
                    % {"total": total, "budget": budget, "currency": Currency(currency).label},
                    code="budget",
                )
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if not locked.ranks_frozen_at:
                Entry.objects.filter(campaign=campaign).update(final_rank=None)
                _freeze_ranks(campaign)
                locked.status = Campaign.Status.CLOSED
                locked.ranks_frozen_at = now
                locked.save(update_fields=["status", "ranks_frozen_at", "updated_at"])
            campaign = locked
    ranked = Entry.objects.filter(campaign=campaign, final_rank__isnull=False)
    for tier in campaign.tiers.order_by("pk"):
        entries = (
            ranked
            if tier.every
            else ranked.filter(final_rank__gte=tier.rank_from, final_rank__lte=tier.rank_to)
        )
        rows: list[LedgerEntry] = []
        for entry_id, creator_id, rank in (
            entries.order_by("final_rank")
            .values_list("id", "creator_id", "final_rank")
            .iterator(chunk_size=chunk)
        ):
            rows.append(
                LedgerEntry(
                    campaign=campaign,
                    tier=tier,
                    creator_id=creator_id,
                    entry_id=entry_id,
                    rank=rank,
                    currency=tier.currency,
                    amount=tier.amount,
                    note=tier.label,
                )
            )
            if len(rows) >= chunk:
                _ledger_write(rows)
                rows = []
        if rows:
            _ledger_write(rows)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SETTLED, settled_at=now, updated_at=now
        )
        _bump_on_commit(campaign)
    campaign_winner_badges(campaign=campaign)
    after = LedgerEntry.objects.filter(campaign=campaign, kind=LedgerEntry.Kind.REWARD).count()
    return after - before


@transaction.atomic
def ledger_correct(*, row: LedgerEntry, amount: int, note: str) -> LedgerEntry:
    """Put a ledger row right with a compensating row (``amount`` may be negative)."""
    if not note.strip():
        raise ValidationError(_("请说明更正原因。"), code="note")
    return LedgerEntry.objects.create(
        campaign_id=row.campaign_id,
        tier_id=row.tier_id,
        creator_id=row.creator_id,
        entry_id=row.entry_id,
        rank=row.rank,
        kind=LedgerEntry.Kind.CORRECTION,
        currency=row.currency,
        amount=amount,
        corrects=row,
        note=note.strip()[:200],
    )


def tiers_replace(*, campaign: Campaign, tiers: list[dict]) -> None:
    """The operator form's tiers (only before the campaign is settled)."""
    if campaign.status == Campaign.Status.SETTLED:
        raise ValidationError(_("已结算的活动不能修改奖励。"), code="settled")
    campaign.tiers.exclude(ledger__isnull=False).delete()
    RewardTier.objects.bulk_create(RewardTier(campaign=campaign, **t) for t in tiers)


def leaderboard_rebuild(*, campaign: Campaign | None = None) -> int:
    campaigns = [campaign] if campaign else Campaign.objects.exclude(status="draft")
    return sum(board().rebuild(c.pk) for c in campaigns)
