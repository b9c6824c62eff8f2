"""The creator index (创作者指数), levels and computed badges.

Over the public articles of the last ``WINDOW_DAYS`` (180) days, five components of 0–200
points each, summed to 0–1000:

* health (健康度) = 2 × 信用分 (0–100, moderation's hook; 100 until it exists)
  − ``VIOLATION_POINTS`` (40) per upheld violation in the window, floored at 0;
* originality (原创度) = 200 × share of the articles marked 原创 that pass the originality
  check (hook; every one passes until moderation exists);
* activity (活跃度) = 200 × min(publishing days, ``ACTIVE_DAYS_FULL`` (60)) / 60;
* engagement (互动度) = 200 × min(interactions per read / ``RATE_FULL`` (0.05), 1), where
  interactions = likes + 2 × comments + 3 × shares (the hot score's order of effort);
* expertise (专业度) = 200 × share of the articles in the creator's main channel (the channel
  they publish most in when none is set).

Levels 1–5★ come from ``OPENHAO_CREATOR_LEVEL_THRESHOLDS`` (the lowest index of levels 2–5)
with hysteresis: a creator goes up as soon as the index reaches the next threshold, and down
only when it falls ``OPENHAO_CREATOR_LEVEL_HYSTERESIS`` points below the current level's, so
a score wobbling around a threshold does not flip the level every night.

Computed badges are ordinary ``creators.Badge`` rows with reserved slugs (``COMPUTED``, plus
``campaign-<id>-winner``), so the author card and creator page show them like the hand-set
ones, which operators keep setting in the admin; each run makes the computed memberships
exactly what the data says and leaves every other badge alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles.models import Article
from openhao.common.cache import bump_tags, creator_tag
from openhao.common.hooks import (
    moderation_credit,
    moderation_originality_failed,
    moderation_violations,
)
from openhao.creators.models import Badge, Creator

from .models import CreatorIndex, LedgerEntry, RewardTier

WINDOW_DAYS = 180
VIOLATION_POINTS = 40
ACTIVE_DAYS_FULL = 60
RATE_FULL = 0.05
COMPONENT_MAX = 200
NEW_CREATOR_DAYS = 30
ORIGINAL_BADGE_MIN = 3  # 原创 articles passing the check, in the window

BADGE_ORIGINAL = "auto-original"
BADGE_QUALITY = "auto-quality"
BADGE_NEW = "auto-new"


def badge_specs() -> dict[str, dict]:
    return {
        BADGE_ORIGINAL: {
            "name": _("原创作者"),
            "symbol": "原",
            "color": Badge.Colour.GREEN,
            "description": _("近 180 天发布了至少 3 篇通过原创检测的原创文章"),
        },
        BADGE_QUALITY: {
            "name": _("优质创作者"),
            "symbol": "★",
            "color": Badge.Colour.ORANGE,
            "description": _("创作者等级达到 4 星及以上"),
        },
        BADGE_NEW: {
            "name": _("新锐"),
            "symbol": "新",
            "color": Badge.Colour.BLUE,
            "description": _("入驻未满 30 天的新作者"),
        },
    }


def thresholds() -> list[int]:
    return list(getattr(settings, "OPENHAO_CREATOR_LEVEL_THRESHOLDS", [300, 500, 700, 850]))


def hysteresis() -> int:
    return int(getattr(settings, "OPENHAO_CREATOR_LEVEL_HYSTERESIS", 30))


def level_for(score: int, previous: int | None = None) -> int:
    """The level (1–5) for ``score``, given the level the creator had (hysteresis)."""
    steps = thresholds()
    plain = 1 + sum(1 for t in steps if score >= t)
    if previous is None or plain >= previous:
        return plain
    # Going down: keep the previous level while within the band under its threshold.
    level = previous
    while level > 1 and score < steps[level - 2] - hysteresis():
        level -= 1
    return max(level, plain)


def components(facts: dict) -> dict[str, int]:
    """The five components from the raw figures (pure arithmetic, tested on fixed data)."""
    health = max(0, 2 * facts["credit"] - VIOLATION_POINTS * facts["violations"])
    n = facts["articles"]
    originality = round(COMPONENT_MAX * facts["original_passing"] / n) if n else 0
    activity = round(COMPONENT_MAX * min(facts["days"], ACTIVE_DAYS_FULL) / ACTIVE_DAYS_FULL)
    reads = facts["reads"]
    interactions = facts["likes"] + 2 * facts["comments"] + 3 * facts["shares"]
    rate = interactions / reads if reads else 0.0
    engagement = round(COMPONENT_MAX * min(rate / RATE_FULL, 1.0))
    expertise = round(COMPONENT_MAX * facts["main_channel_articles"] / n) if n else 0
    out = {
        "health": min(COMPONENT_MAX, health),
        "originality": originality,
        "activity": activity,
        "engagement": engagement,
        "expertise": expertise,
    }
    out["score"] = sum(out.values())
    return out


def advice(index: CreatorIndex) -> list[str]:
    """What would raise the index, weakest component first."""
    f = index.facts or {}
    tips = {
        "health": _("保持良好信用，避免违规：每次违规扣 40 分。"),
        "originality": _("多发布通过原创检测的原创文章（目前 %(a)s/%(n)s 篇）。")
        % {"a": f.get("original_passing", 0), "n": f.get("articles", 0)},
        "activity": _("保持更新：近 180 天有 %(d)s 天发文，满 60 天得满分。")
        % {"d": f.get("days", 0)},
        "engagement": _("提高互动：点赞、跟贴、分享与阅读之比达到 5% 得满分。"),
        "expertise": _("专注主频道：目前 %(m)s/%(n)s 篇在主频道。")
        % {"m": f.get("main_channel_articles", 0), "n": f.get("articles", 0)},
    }
    names = ["health", "originality", "activity", "engagement", "expertise"]
    weakest = sorted(names, key=lambda name: getattr(index, name))
    return [tips[name] for name in weakest if getattr(index, name) < COMPONENT_MAX][:3]


def _facts(now) -> dict[int, dict]:
    since = now - timedelta(days=WINDOW_DAYS)
    window = Article.objects.public().filter(published_at__gte=since)
    facts: dict[int, dict] = defaultdict(
        lambda: {
            "articles": 0,
            "original_passing": 0,
            "days": 0,
            "reads": 0,
            "likes": 0,
            "comments": 0,
            "shares": 0,
            "main_channel_articles": 0,
        }
    )
    for row in window.values("creator_id").annotate(
        n=Count("pk"),
        reads=Sum("view_count"),
        likes=Sum("like_count"),
        comments=Sum("comment_count"),
        shares=Sum("share_count"),
    ):
        f = facts[row["creator_id"]]
        f.update(articles=row["n"], reads=row["reads"] or 0, likes=row["likes"] or 0)
        f.update(comments=row["comments"] or 0, shares=row["shares"] or 0)
    days = Counter(
        window.annotate(day=TruncDate("published_at"))
        .values_list("creator_id", "day")
        .distinct()
        .values_list("creator_id", flat=True)
    )
    for cid, d in days.items():
        facts[cid]["days"] = d
    originals = list(window.filter(is_original=True).values_list("pk", "creator_id"))
    failed = moderation_originality_failed(pk for pk, _ in originals)
    for pk, cid in originals:
        if pk not in failed:
            facts[cid]["original_passing"] += 1
    per_channel: dict[int, Counter] = defaultdict(Counter)
    for cid, ch, n in window.values_list("creator_id", "channel_id").annotate(n=Count("pk")):
        per_channel[cid][ch] = n
    mains = dict(Creator.objects.filter(pk__in=facts).values_list("pk", "main_channel_id"))
    for cid, counts in per_channel.items():
        main = mains.get(cid) or counts.most_common(1)[0][0]
        facts[cid]["main_channel_articles"] = counts.get(main, 0)
    return facts


@transaction.atomic
def creator_index_refresh(*, now=None) -> int:
    """The nightly run: every creator's index, level and computed badges. Returns the
    number of creators computed."""
    now = now or timezone.now()
    facts = _facts(now)
    creators = list(Creator.objects.values_list("pk", "user_id", "created_at"))
    users = [u for _, u, _ in creators]
    credit = moderation_credit(users)
    violations = moderation_violations(users, now - timedelta(days=WINDOW_DAYS))
    previous = dict(CreatorIndex.objects.values_list("creator_id", "level"))
    rows = []
    for cid, uid, _created in creators:
        f = dict(facts.get(cid) or _facts_empty())
        f["credit"], f["violations"] = credit.get(uid, 100), violations.get(uid, 0)
        c = components(f)
        rows.append(
            CreatorIndex(
                creator_id=cid,
                level=level_for(c["score"], previous.get(cid)),
                facts=f,
                computed_at=now,
                **c,
            )
        )
    CreatorIndex.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["creator"],
        update_fields=[
            "score",
            "health",
            "originality",
            "activity",
            "engagement",
            "expertise",
            "level",
            "facts",
            "computed_at",
        ],
    )
    by_creator = {r.creator_id: r for r in rows}
    wanted = {
        BADGE_ORIGINAL: {
            cid
            for cid, r in by_creator.items()
            if r.facts["original_passing"] >= ORIGINAL_BADGE_MIN
        },
        BADGE_QUALITY: {cid for cid, r in by_creator.items() if r.level >= 4},
        BADGE_NEW: {
            cid
            for cid, _u, created in creators
            if created >= now - timedelta(days=NEW_CREATOR_DAYS)
        },
    }
    badges = {}
    for slug, spec in badge_specs().items():
        badges[slug], _c = Badge.objects.update_or_create(slug=slug, defaults=spec)
    changed = set()
    for slug, members in wanted.items():
        changed |= _badge_sync(badges[slug], members)
    _bump_creators(changed)
    return len(rows)


def _facts_empty() -> dict:
    return {
        "articles": 0,
        "original_passing": 0,
        "days": 0,
        "reads": 0,
        "likes": 0,
        "comments": 0,
        "shares": 0,
        "main_channel_articles": 0,
    }


def _badge_sync(badge: Badge, members: set[int]) -> set[int]:
    """Make ``badge``'s holders exactly ``members``; returns the creators that changed."""
    through = Creator.badges.through
    current = set(through.objects.filter(badge=badge).values_list("creator_id", flat=True))
    add, drop = members - current, current - members
    through.objects.bulk_create(
        [through(creator_id=c, badge=badge) for c in add], ignore_conflicts=True
    )
    through.objects.filter(badge=badge, creator_id__in=drop).delete()
    return add | drop


def _bump_creators(ids) -> None:
    tags = [creator_tag(c) for c in ids]
    if tags:
        transaction.on_commit(lambda: bump_tags(*tags))


def campaign_winner_badges(*, campaign) -> int:
    """After settlement: a badge for the campaign's ranked winners (rank tiers, not the
    every-entry tier), named after the campaign."""
    rank_tiers = RewardTier.objects.filter(campaign=campaign, every=False)
    winners = set(
        LedgerEntry.objects.filter(
            campaign=campaign, kind=LedgerEntry.Kind.REWARD, tier__in=rank_tiers
        ).values_list("creator_id", flat=True)
    )
    badge, _c = Badge.objects.update_or_create(
        slug=f"campaign-{campaign.pk}-winner",
        defaults={
            "name": (_("%(name)s获奖") % {"name": campaign.name})[:30],
            "symbol": "奖",
            "color": Badge.Colour.RED,
            "description": (_("在“%(name)s”活动中获奖") % {"name": campaign.name})[:200],
        },
    )
    changed = _badge_sync(badge, winners)
    _bump_creators(changed)
    return len(winners)
