"""The demo's campaigns: #春季图文激励计划# running (entries and a live leaderboard) and a
winter campaign already settled (results, ledger, winner badges); then the creator index."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openhao.articles.models import Article, Topic
from openhao.campaigns import services as campaign_services
from openhao.campaigns.creator_index import creator_index_refresh
from openhao.campaigns.models import Campaign, Entry, LedgerEntry, RewardTier
from openhao.campaigns.scoring import score_of

from .content import CAMPAIGN_TOPIC

SETTLED_TOPIC = "冬日随笔"

TIERS = (
    ("冠军", False, 1, 1, "fen", 200_000),
    ("前十", False, 2, 10, "fen", 20_000),
    ("前五十", False, 11, 50, "points", 2_000),
    ("参与奖", True, 1, 1, "points", 100),
)


def _campaign(slug, name, topic, start, end, description, max_entries=3) -> Campaign:
    campaign, _ = Campaign.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "topic": topic,
            "starts_at": start,
            "ends_at": end,
            "settles_at": end + timedelta(days=2),
            "description_html": description,
            "min_chars": 300,
            "max_entries": max_entries,
            "budget_fen": 1_000_000,
            "status": Campaign.Status.PUBLISHED,
        },
    )
    if not campaign.tiers.exists():
        RewardTier.objects.bulk_create(
            RewardTier(
                campaign=campaign,
                label=label,
                every=every,
                rank_from=a,
                rank_to=b,
                currency=cur,
                amount=amount,
            )
            for label, every, a, b, cur, amount in TIERS
        )
    return campaign


def _enter(campaign: Campaign, articles) -> int:
    """Entries for demo articles, scored from their counters as if all engagement came inside
    the period (the demo has no event history)."""
    per_creator: dict[int, int] = {}
    rows = []
    for a in articles:
        if per_creator.get(a.creator_id, 0) >= campaign.max_entries:
            continue
        per_creator[a.creator_id] = per_creator.get(a.creator_id, 0) + 1
        counts = {
            "reads": a.view_count,
            "likes": a.like_count,
            "comments": a.comment_count,
            "shares": a.share_count,
        }
        rows.append(
            Entry(
                campaign=campaign,
                article=a,
                creator_id=a.creator_id,
                entered_at=a.published_at,
                score=score_of(counts),
                **counts,
            )
        )
    Entry.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def load_campaigns(now=None) -> dict[str, int]:
    now = now or timezone.now()
    spring_topic, _ = Topic.objects.get_or_create(name=CAMPAIGN_TOPIC)
    tagged = Article.objects.public().filter(topics=spring_topic).order_by("published_at")
    first = tagged.values_list("published_at", flat=True).first() or now - timedelta(days=7)
    spring = _campaign(
        "spring-2026",
        "春季图文激励计划",
        spring_topic,
        min(first, now - timedelta(days=1)) - timedelta(hours=1),
        now + timedelta(days=14),
        "<p>用图文记录春天：带上话题 #春季图文激励计划# 发布原创图文，"
        "按阅读、点赞、跟贴与分享排名，前十名获得现金奖励，所有合格作品获得积分。</p>",
    )
    spring_entries = _enter(spring, tagged.filter(published_at__gte=spring.starts_at))

    winter_topic, _ = Topic.objects.get_or_create(name=SETTLED_TOPIC)
    start, end = now - timedelta(days=60), now - timedelta(days=30)
    winter = _campaign(
        "winter-2025",
        "冬日随笔征文",
        winter_topic,
        start,
        end,
        "<p>写下冬天里的一件小事。活动已结束并完成结算。</p>",
        max_entries=2,
    )
    older = list(
        Article.objects.public()
        .filter(published_at__gte=start, published_at__lte=end)
        .order_by("-view_count")[:60]
    )
    for a in older:
        a.topics.add(winter_topic)
    winter_entries = _enter(winter, older)
    campaign_services.leaderboard_rebuild()
    if winter.status != Campaign.Status.SETTLED:
        campaign_services.campaign_settle(campaign=winter, now=now)
    creator_index_refresh(now=now)
    return {"running": spring_entries, "settled": winter_entries}


DEMO_SLUGS = ("spring-2026", "winter-2025")


def delete_demo_campaigns(articles) -> None:
    """For ``loaddemo --reset``: the demo campaigns go whole (their ledger too: demo money),
    and entries of other campaigns that point at demo articles."""
    demo = Campaign.objects.filter(slug__in=DEMO_SLUGS)
    LedgerEntry.objects.filter(campaign__in=demo).delete()
    LedgerEntry.objects.filter(entry__article__in=articles).delete()
    Entry.objects.filter(article__in=articles).delete()
    demo.delete()
