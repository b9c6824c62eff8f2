"""Reads of campaigns: the pages call these only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.http import Http404

from openhao.articles.models import public_q
from openhao.common import keyset
from openhao.common.urls import url_for_pk

from .leaderboard import board
from .models import Campaign, CreatorIndex, Entry, LedgerEntry, Rejection
from .rules import message, rule_lines

BOARD_SIZE = 50
ENTRIES_PAGE = 20


@dataclass(frozen=True)
class BoardRow:
    rank: int
    score: int
    entry_id: int
    article_id: int
    title: str
    creator_id: int
    creator_name: str

    @property
    def url(self) -> str:
        return url_for_pk("articles:detail", self.article_id)


_ROW_FIELDS = ("id", "article_id", "article__title", "creator_id", "creator__display_name")


def campaign_get_public(slug: str) -> Campaign:
    campaign = (
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .select_related("topic")
        .prefetch_related("channels", "tiers")
        .filter(slug=slug)
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def campaign_rules(campaign: Campaign) -> list[str]:
    return rule_lines(campaign, [c.name for c in campaign.channels.all()])


def leaderboard(campaign: Campaign, n: int = BOARD_SIZE) -> list[BoardRow]:
    """The top ``n``: from the frozen ranks once settled, else the live board (Redis or the
    table, leaderboard.py). Two reads: the board, then the titles and names of those entries
    by primary key (plain values, no model instances: this runs on every page miss).
    Entries whose article is no longer public are left out."""
    if campaign.ranks_frozen_at:
        rows = (
            Entry.objects.filter(campaign=campaign, final_rank__isnull=False, final_rank__lte=n)
            .order_by("final_rank")
            .values_list("final_rank", "score", *_ROW_FIELDS)
        )
        return [BoardRow(*row) for row in rows]
    top = board().top(campaign.pk, n)
    found = {
        row[0]: row
        for row in Entry.objects.filter(
            public_q("article__"), pk__in=[pk for pk, _ in top]
        ).values_list(*_ROW_FIELDS)
    }
    return [
        BoardRow(i, score, *found[pk]) for i, (pk, score) in enumerate(top, start=1) if pk in found
    ]


def leaderboard_ids(campaign: Campaign, n: int = BOARD_SIZE) -> list[tuple[int, int]]:
    """(entry id, score) of the top ``n``, straight from the board (bench, tests)."""
    return board().top(campaign.pk, n)


def entries_page(campaign: Campaign, cursor) -> keyset.KeysetPage:
    """全部参赛作品, newest first, keyset over ``entry_recent_idx``."""
    qs = Entry.objects.filter(public_q("article__"), campaign=campaign).select_related(
        "article", "creator"
    )
    return keyset.page(qs, field="entered_at", cursor=cursor, size=ENTRIES_PAGE)


def results(campaign: Campaign) -> list[LedgerEntry]:
    """The rewards paid (after settlement), best rank first."""
    if campaign.status != Campaign.Status.SETTLED:
        return []
    return list(
        LedgerEntry.objects.filter(campaign=campaign, kind=LedgerEntry.Kind.REWARD)
        .select_related("creator", "entry__article", "tier")
        .order_by("rank", "tier_id")[:200]
    )


def campaign_for_topic(topic_id: int) -> Campaign | None:
    return (
        Campaign.objects.filter(topic_id=topic_id)
        .exclude(status=Campaign.Status.DRAFT)
        .order_by("-starts_at")
        .first()
    )


# --- operators --------------------------------------------------------------------------------


def manage_campaigns():
    return Campaign.objects.select_related("topic").annotate(
        entry_count=Count("entries", distinct=True)
    )


def manage_entries(campaign: Campaign, limit: int = 200):
    return list(
        Entry.objects.filter(campaign=campaign)
        .select_related("article", "creator")
        .order_by("-score", "id")[:limit]
    )


def manage_rejections(campaign: Campaign, limit: int = 200):
    rows = list(
        Rejection.objects.filter(campaign=campaign)
        .select_related("article", "creator")
        .order_by("-checked_at")[:limit]
    )
    for r in rows:
        r.messages = [message(f) for f in r.failed]
    return rows


def ledger_totals(campaign: Campaign) -> dict[str, int]:
    rows = (
        LedgerEntry.objects.filter(campaign=campaign).values("currency").annotate(t=Sum("amount"))
    )
    return {r["currency"]: r["t"] for r in rows}


def payout_rows(campaign: Campaign | None = None):
    """Per creator, campaign and currency: the sum of the ledger (rewards and corrections)."""
    qs = LedgerEntry.objects.all()
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return (
        qs.values(
            "creator_id", "creator__display_name", "campaign_id", "campaign__name", "currency"
        )
        .annotate(amount=Sum("amount"))
        .order_by("campaign_id", "creator_id", "currency")
    )


# --- studio -----------------------------------------------------------------------------------


@dataclass
class StudioCampaign:
    campaign: Campaign
    rules: list[str]
    entries: list[tuple[Entry, int | None]]  # entry, live rank (None once settled: final)
    rejections: list[tuple[Rejection, list[str]]]


def studio_campaigns(creator) -> list[StudioCampaign]:
    """活动: the running campaigns and those the creator took part in, with the creator's
    entries (and rank) and refused articles (and why). Queries: campaigns (+ channels and
    topic), the creator's entries, the creator's rejections, and one rank read per campaign
    the creator has entries in (a Redis pipeline, or one aggregate query)."""
    mine = Entry.objects.filter(creator=creator).values("campaign_id")
    refused = Rejection.objects.filter(creator=creator).values("campaign_id")
    campaigns = list(
        Campaign.objects.filter(
            Q(status=Campaign.Status.PUBLISHED) | Q(pk__in=mine) | Q(pk__in=refused)
        )
        .exclude(status=Campaign.Status.DRAFT)
        .select_related("topic")
        .prefetch_related("channels")
        .order_by("-starts_at")[:30]
    )
    ids = [c.pk for c in campaigns]
    entries: dict[int, list] = {}
    for e in Entry.objects.filter(creator=creator, campaign_id__in=ids).select_related("article"):
        entries.setdefault(e.campaign_id, []).append(e)
    rejections: dict[int, list] = {}
    for r in Rejection.objects.filter(creator=creator, campaign_id__in=ids).select_related(
        "article"
    ):
        rejections.setdefault(r.campaign_id, []).append(r)
    out = []
    for c in campaigns:
        mine = entries.get(c.pk, [])
        if c.ranks_frozen_at:
            rows = [(e, e.final_rank) for e in mine]
        else:
            ranks = board().ranks(c.pk, [(e.pk, e.score) for e in mine])
            rows = [(e, ranks.get(e.pk)) for e in mine]
        # Best rank first (the browser walk showed 2, 18, 1); unranked entries last.
        rows.sort(key=lambda row: (row[1] is None, row[1] or 0, row[0].pk))
        out.append(
            StudioCampaign(
                c,
                rule_lines(c, [ch.name for ch in c.channels.all()]),
                rows,
                [(r, [message(f) for f in r.failed]) for r in rejections.get(c.pk, [])],
            )
        )
    return out


def creator_ledger(creator, limit: int = 500) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(creator=creator)
        .select_related("campaign", "entry__article")
        .order_by("-created_at", "-pk")[:limit]
    )


def creator_earnings_totals(creator) -> dict[str, int]:
    rows = LedgerEntry.objects.filter(creator=creator).values("currency").annotate(t=Sum("amount"))
    return {r["currency"]: r["t"] for r in rows}


def creator_index(creator) -> CreatorIndex | None:
    return CreatorIndex.objects.filter(creator=creator).first()


def creator_campaigns_export(creator) -> dict:
    """The creator's part of the 个人信息副本 (privacy.services.export_contents): their entries
    with score and rank, and every ledger row (rewards and corrections) paid to them."""
    entries = (
        Entry.objects.filter(creator=creator)
        .order_by("entered_at", "id")
        .values(
            "campaign_id",
            "campaign__name",
            "article_id",
            "article__title",
            "entered_at",
            "reads",
            "likes",
            "comments",
            "shares",
            "score",
            "final_rank",
        )
    )
    ledger = (
        LedgerEntry.objects.filter(creator=creator)
        .order_by("created_at", "id")
        .values(
            "id",
            "campaign_id",
            "campaign__name",
            "tier__label",
            "rank",
            "kind",
            "currency",
            "amount",
            "corrects_id",
            "note",
            "created_at",
        )
    )
    return {"entries": list(entries), "ledger": list(ledger)}
