"""`make bench-campaigns`: campaign leaderboard reads, scoring throughput and settlement on
PostgreSQL + Redis.

Seeds (bulk SQL, ``generate_series``) one running campaign with BENCH_CAMPAIGNS_ENTRIES
(100,000) entries over as many articles, 20,000 readers and 2,000 creators, then:

* scoring: BENCH_CAMPAIGNS_EVENTS (5,000,000) engagement events (70 % reads per article,
  15 % likes, 10 % comments, 5 % shares; likes and comments by readers, some of them the
  author, skewed towards a few entries) applied through ``scoring.scores_apply`` in batches of
  BENCH_CAMPAIGNS_BATCH (20,000), Redis leaderboard included: events/s;
* leaderboard: ``selectors.leaderboard`` (top 50 from the sorted set + one query for the
  entries) 2,000 times: p95 ms;
* settlement: ``services.campaign_settle`` with tiers 1 / 2–10 / 11–50 / every entry (so
  ~100,050 ledger rows): seconds; then checks the ledger has exactly one reward per tier/rank.

Knobs: BENCH_CAMPAIGNS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/h_campaigns),
BENCH_CAMPAIGNS_REDIS_URL (redis://127.0.0.1:6379/6). Last line:
``campaigns: leaderboard P ms p95, scoring E events/s, settlement S s``."""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
ENTRIES = int(os.environ.get("BENCH_CAMPAIGNS_ENTRIES", "100000"))
EVENTS = int(os.environ.get("BENCH_CAMPAIGNS_EVENTS", "5000000"))
BATCH = int(os.environ.get("BENCH_CAMPAIGNS_BATCH", "20000"))
READERS = 20_000
CREATORS = 2_000
PG_URL = os.environ.get(
    "BENCH_CAMPAIGNS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_campaigns"
)
REDIS_URL = os.environ.get("BENCH_CAMPAIGNS_REDIS_URL", "redis://127.0.0.1:6379/6")


def setup() -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "openhao.settings.base"
    os.environ["DEBUG"] = "0"
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-campaigns")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed():
    from django.db import connection
    from django.utils import timezone

    from openhao.articles.models import Channel, Section, Topic
    from openhao.campaigns.models import Campaign, RewardTier

    now = timezone.now()
    with connection.cursor() as c:
        c.execute("DELETE FROM campaigns_ledgerentry")
        c.execute("DELETE FROM campaigns_boardrow")
        c.execute("DELETE FROM campaigns_entry")
        c.execute("DELETE FROM campaigns_rejection")
        c.execute("DELETE FROM campaigns_rewardtier")
        c.execute("DELETE FROM campaigns_campaign_channels")
        c.execute("DELETE FROM campaigns_campaign")
        c.execute("DELETE FROM articles_article WHERE title LIKE 'bench-campaign %%'")
        c.execute(
            "DELETE FROM creators_creator_badges WHERE creator_id IN (SELECT id FROM "
            "creators_creator WHERE display_name LIKE 'bench-c-%%')"
        )
        c.execute("DELETE FROM creators_creator WHERE display_name LIKE 'bench-c-%%'")
        c.execute("DELETE FROM accounts_user WHERE username LIKE 'bench-%%'")
    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "基准"})
    channel, _ = Channel.objects.get_or_create(
        slug="bench", defaults={"name": "基准频道", "section": section}
    )
    topic, _ = Topic.objects.get_or_create(name="基准活动")
    past = now - timedelta(days=30)
    with connection.cursor() as c:
        c.execute(
            """INSERT INTO accounts_user (password, is_superuser, username, first_name,
               last_name, email, is_staff, is_active, date_joined, nickname, avatar, motto,
               ip_region, history_paused)
               SELECT '!', false, 'bench-' || g, '', '', '', false, true, %s, 'b' || g, '', '',
               '', false
               FROM generate_series(1, %s) g""",
            [past, READERS + CREATORS],
        )
    t0 = time.perf_counter()
    campaign = Campaign.objects.create(
        slug="bench",
        name="基准活动",
        topic=topic,
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=5),
        settles_at=now + timedelta(days=6),
        status="published",
        max_entries=0,
    )
    for label, every, a, b, cur, amount in (
        ("冠军", False, 1, 1, "fen", 100_000),
        ("前十", False, 2, 10, "fen", 10_000),
        ("前五十", False, 11, 50, "points", 1_000),
        ("参与奖", True, 1, 1, "points", 10),
    ):
        RewardTier.objects.create(
            campaign=campaign,
            label=label,
            every=every,
            rank_from=a,
            rank_to=b,
            currency=cur,
            amount=amount,
        )
    return campaign, channel, now, t0


def seed_rows(campaign, channel, now):
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT id FROM accounts_user WHERE username LIKE 'bench-%%' ORDER BY id")
        users = [r[0] for r in c.fetchall()]
        creator_users, readers = users[:CREATORS], users[CREATORS:]
        c.execute(
            """INSERT INTO creators_creator (user_id, display_name, avatar, motto, bio, verified,
               article_count, follower_count, approved_article_count, created_at, updated_at)
               SELECT u, 'bench-c-' || u, '', '', '', false, 0, 0, 0, %s, %s
               FROM unnest(%s::bigint[]) u""",
            [now, now, creator_users],
        )
        c.execute("SELECT id, user_id FROM creators_creator WHERE display_name LIKE 'bench-c-%%'")
        creators = c.fetchall()
        creator_ids = [r[0] for r in creators]
        c.execute(
            """INSERT INTO articles_article (creator_id, channel_id, title, summary, body_html,
               cover, cover_alt, status, is_original, is_pinned, published_at, review_note,
               created_at, updated_at, view_count, comment_count, like_count, share_count,
               deleted_status, moderation_label, moderation_label_url, comment_mode,
               ring_like_count)
               SELECT (%s::bigint[])[1 + (g %% %s)], %s, 'bench-campaign ' || g, '', '<p>x</p>',
               '', '', 'published', true, false, %s, '', %s, %s, 0, 0, 0, 0, '', '', '', 'open',
               0
               FROM generate_series(1, %s) g""",
            [creator_ids, len(creator_ids), channel.pk, now - timedelta(days=1), now, now, ENTRIES],
        )
        c.execute(
            """INSERT INTO campaigns_entry (campaign_id, article_id, creator_id, entered_at,
               reads, likes, comments, shares, score)
               SELECT %s, a.id, a.creator_id, a.published_at, 0, 0, 0, 0, 0
               FROM articles_article a WHERE a.title LIKE 'bench-campaign %%'""",
            [campaign.pk],
        )
        c.execute(
            """SELECT e.article_id, cr.user_id FROM campaigns_entry e
               JOIN creators_creator cr ON cr.id = e.creator_id WHERE e.campaign_id = %s""",
            [campaign.pk],
        )
        articles = c.fetchall()
        # Fresh bulk rows: give the planner statistics, as autovacuum would soon.
        for table in ("accounts_user", "creators_creator", "articles_article", "campaigns_entry"):
            c.execute(f"VACUUM ANALYZE {table}")
    return articles, readers


def event_batches(articles, readers):
    from openhao.engagement.hooks import Event

    rng = random.Random(15)  # noqa: S311 - replayable load
    n = len(articles)
    done = 0
    while done < EVENTS:
        size = min(BATCH, EVENTS - done)
        batch = []
        for _ in range(size):
            article_id, author = articles[int(n * rng.random() ** 2)]
            r = rng.random()
            if r < 0.70:
                batch.append(Event(article_id, None, "read", 1))
            elif r < 0.95:
                user = author if rng.random() < 0.02 else readers[rng.randrange(len(readers))]
                batch.append(Event(article_id, user, "like" if r < 0.85 else "comment", 1))
            else:
                batch.append(Event(article_id, None, "share", 1))
        done += size
        yield batch


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main() -> None:
    setup()
    from django.db import connection

    from openhao.campaigns import selectors, services
    from openhao.campaigns.leaderboard import board
    from openhao.campaigns.models import Campaign, Entry, LedgerEntry
    from openhao.campaigns.scoring import scores_apply

    campaign, channel, now, t0 = seed()
    articles, readers = seed_rows(campaign, channel, now)
    board().rebuild(campaign.pk)
    print(f"seeded {len(articles)} entries in {time.perf_counter() - t0:.1f}s", flush=True)

    generated = applied_time = 0.0
    events = 0
    for batch in event_batches(articles, readers):
        events += len(batch)
        started = time.perf_counter()
        scores_apply(batch)
        applied_time += time.perf_counter() - started
        if events % 1_000_000 < BATCH:
            print(f"  {events} events, {events / applied_time:,.0f} events/s", flush=True)
    del generated
    rate = events / applied_time

    top = selectors.leaderboard_ids(campaign, 50)
    with connection.cursor() as c:
        c.execute(
            "SELECT id, score FROM campaigns_entry WHERE campaign_id = %s "
            "ORDER BY score DESC, id LIMIT 50",
            [campaign.pk],
        )
        assert top == [tuple(r) for r in c.fetchall()], "leaderboard differs from the table"

    # The leaderboard read: the top 50 (entry, score) from the sorted set.
    times = []
    for _ in range(2000):
        started = time.perf_counter()
        top = selectors.leaderboard_ids(campaign, 50)
        times.append((time.perf_counter() - started) * 1000)
    assert len(top) == 50
    p95 = pct(times, 0.95)
    print(f"leaderboard read (sorted set): p50 {pct(times, 0.5):.2f} ms, p95 {p95:.2f} ms")
    # What the campaign page adds on a cache miss: titles and names of those 50 (one query).
    full = []
    for _ in range(2000):
        started = time.perf_counter()
        rows = selectors.leaderboard(campaign)
        full.append((time.perf_counter() - started) * 1000)
    assert len(rows) == 50
    print(
        f"leaderboard with titles (+1 query): p50 {pct(full, 0.5):.2f} ms, "
        f"p95 {pct(full, 0.95):.2f} ms",
        flush=True,
    )

    Campaign.objects.filter(pk=campaign.pk).update(ends_at=now, settles_at=now)
    started = time.perf_counter()
    services.campaign_settle(campaign=campaign)
    settle = time.perf_counter() - started
    rewards = LedgerEntry.objects.filter(campaign=campaign, kind="reward").count()
    expected = Entry.objects.filter(campaign=campaign).count() + 50
    assert rewards == expected, (rewards, expected)
    again = time.perf_counter()
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    assert services.campaign_settle(campaign=campaign) == 0
    print(
        f"settlement: {rewards} ledger rows; a second run added none in "
        f"{time.perf_counter() - again:.1f}s",
        flush=True,
    )
    print(
        f"campaigns: leaderboard {p95:.2f} ms p95, scoring {rate:,.0f} events/s, "
        f"settlement {settle:.1f} s"
    )


if __name__ == "__main__":
    main()
