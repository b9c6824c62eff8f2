"""Entry scores from engagement, applied in batches.

    score = sum over kinds of min(weight * count, cap)

with the weights and caps of the hot score (``openhao.ranking.hot.SIGNALS``: read 1, like 4,
comment 8, share 12; caps 100,000 for reads and 50,000 for the others), so a campaign rewards
what the hot lists reward; there is no time term, since the period already bounds it.

What counts: events (``engagement.hooks.Event``) applied while the campaign is running
(published, between its start and end), except those by

* the entry's author,
* accounts flagged by the spam rules or in a reaction ring (``common.hooks.accounts_flagged``;
  nobody until moderation connects to it),
* accounts created after the entry was published (a fresh account is the cheapest way to
  inflate a score; readers who were there before are unaffected).

Reads are counted per article by the read buffer, without the reader; the signed-in ones come
again as ``read_by`` events (the reading history) and the excluded ones are taken back then.
Shares carry no reader and always count. Likes taken back and comments hidden count −1.

One batch: identical events counted once (``Counter``), one query for the entries of the
articles concerned, one for the accounts, the moderation hook once, then on PostgreSQL one
``UPDATE … FROM unnest(…) RETURNING`` per 20,000 entries (counters and score together),
elsewhere one UPDATE per 500 entries per changed counter and one for the scores; then a
pipeline of ZADDs to the leaderboard. Counters move relative to
the row (concurrent flushes add up); the score is recomputed from the counters in SQL."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from openhao.common.cache import bump_tags
from openhao.common.hooks import moderation_flagged
from openhao.creators.models import Creator
from openhao.ranking.hot import SIGNALS

from .leaderboard import board
from .models import Campaign, Entry

# Entry counter -> the hot-score signal it takes its weight and cap from.
FIELDS = {
    "reads": "view_count",
    "likes": "like_count",
    "comments": "comment_count",
    "shares": "share_count",
}
KIND_FIELD = {"read": "reads", "read_by": "reads", "like": "likes", "comment": "comments"}
KIND_FIELD["share"] = "shares"
UPDATE_BATCH = 500
PG_BATCH = 20000
# The campaign page's cache tag is bumped at most this often per campaign when scores move.
BUMP_SECONDS = 30


def weight(field: str) -> int:
    return int(SIGNALS[FIELDS[field]].weight)


def cap(field: str) -> int:
    return int(SIGNALS[FIELDS[field]].cap)


def score_of(counts: dict[str, int]) -> int:
    """The score of an entry with these counters (Python twin of ``_score_expression``)."""
    return sum(min(weight(f) * max(0, int(counts.get(f) or 0)), cap(f)) for f in FIELDS)


def _score_expression():
    terms = [Least(F(f) * Value(weight(f)), Value(cap(f))) for f in FIELDS]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def campaign_tag(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def _bump_throttled(campaign_ids: Iterable[int]) -> None:
    tags = [
        campaign_tag(cid)
        for cid in campaign_ids
        if cache.add(f"campaign-bump:{cid}", 1, timeout=BUMP_SECONDS)
    ]
    if tags:
        transaction.on_commit(lambda: bump_tags(*tags))


def engagement_recorded(*, events) -> int:
    """The engagement hook's listener."""
    return scores_apply(events)


@transaction.atomic
def scores_apply(events, *, now=None) -> int:
    """Apply a batch of engagement events to the scores of the running campaigns' entries.
    Returns how many counter changes were applied."""
    # Identical events (the same read, like or share of an article) are counted once, in C:
    # the loop below then runs per distinct (article, user, kind, delta), not per event.
    counted = Counter(events)
    if not counted:
        return 0
    now = now or timezone.now()
    running = Campaign.objects.filter(
        status=Campaign.Status.PUBLISHED, starts_at__lte=now, ends_at__gte=now
    ).values_list("id", flat=True)
    running = list(running)
    if not running:
        return 0
    postgresql = connection.vendor == "postgresql"
    entries = defaultdict(list)
    for entry_id, article_id, campaign_id, entered_at, author_id in _entries_of(
        {e[0] for e in counted}, running
    ):
        entries[article_id].append((entry_id, campaign_id, entered_at, author_id))
    if not entries:
        return 0
    user_ids = {e[1] for e in counted if e[1] is not None and e[0] in entries}
    joined = _date_joined(user_ids)
    flagged = moderation_flagged(user_ids)
    # On PostgreSQL the times come as microseconds since the epoch (cheaper to load).
    now_key = _micros(now) if postgresql else now
    deltas: dict[str, dict[int, int]] = {f: defaultdict(int) for f in FIELDS}
    campaigns = set()
    applied = 0
    for (article_id, uid, kind, delta), n in counted.items():
        field = KIND_FIELD.get(kind)
        if field is None:
            continue
        targets = entries.get(article_id)
        if not targets:
            continue
        by_entry = deltas[field]
        if uid is None:
            if kind == "read_by":
                continue  # nobody to take back
            for entry_id, campaign_id, _, _ in targets:
                by_entry[entry_id] += delta * n
                campaigns.add(campaign_id)
                applied += n
            continue
        bad = uid in flagged
        since = joined.get(uid, now_key)
        for entry_id, campaign_id, entered_at, author_id in targets:
            excluded = bad or uid == author_id or since > entered_at
            if kind == "read_by":
                if not excluded:
                    continue  # already counted in the article's reads
                change = -delta * n
            elif excluded:
                continue
            else:
                change = delta * n
            by_entry[entry_id] += change
            campaigns.add(campaign_id)
            applied += n
    rows = _apply_postgresql(deltas) if postgresql else _apply_portable(deltas)
    if rows:
        board().set_scores(rows)
        _bump_throttled(campaigns)
    return applied


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch, exactly (as ``_micros_sql`` computes them)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _micros_sql(column: str) -> str:
    return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"


def _pg_array(ids) -> str:
    """An array literal (``{1,2,3}``) to pass as one text parameter cast in SQL: psycopg's
    client-side binding quotes one string much faster than it adapts a list of thousands."""
    return "{" + ",".join(map(str, ids)) + "}"


def _entries_of(article_ids, campaign_ids):
    """(entry, article, campaign, entered_at, author's user) of these articles' entries in the
    running campaigns. On PostgreSQL the ids go as one array parameter (a list of thousands
    of placeholders costs more to build and parse than the query takes to run) and
    ``entered_at`` comes as microseconds since the epoch (see ``_micros``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Table names only; the ids are parameters.
            tables = f"{Entry._meta.db_table} e JOIN {Creator._meta.db_table} c"
            sql = (
                f"SELECT e.id, e.article_id, e.campaign_id, {_micros_sql('e.entered_at')}, "  # noqa: S608
                f"c.user_id FROM {tables} ON c.id = e.creator_id "
                "WHERE e.article_id = ANY(%s::bigint[]) AND e.campaign_id = ANY(%s::bigint[])"
            )
            cursor.execute(sql, [_pg_array(article_ids), _pg_array(campaign_ids)])
            return cursor.fetchall()
    return Entry.objects.filter(
        article_id__in=article_ids, campaign_id__in=campaign_ids
    ).values_list("id", "article_id", "campaign_id", "entered_at", "creator__user_id")


def _date_joined(user_ids) -> dict:
    """{user: date_joined}; on PostgreSQL in microseconds since the epoch."""
    if not user_ids:
        return {}
    users = get_user_model()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {_micros_sql('date_joined')} FROM {users._meta.db_table} "  # noqa: S608
                "WHERE id = ANY(%s::bigint[])",
                [_pg_array(user_ids)],
            )
            return dict(cursor.fetchall())
    return dict(users.objects.filter(pk__in=user_ids).values_list("pk", "date_joined"))


def _apply_postgresql(deltas: dict[str, dict[int, int]]) -> list[tuple[int, int, int]]:
    """One UPDATE … FROM unnest(arrays) RETURNING per ``PG_BATCH`` entries: all four counters
    and the score in one statement (SET expressions read the old row, so the score is written
    from the new counters spelt out)."""
    names = list(FIELDS)
    by_entry: dict[int, list[int]] = {}
    for i, field in enumerate(names):
        for pk, d in deltas[field].items():
            if d:
                row = by_entry.get(pk)
                if row is None:
                    row = by_entry[pk] = [0, 0, 0, 0]
                row[i] += d
    items = sorted(by_entry.items())
    table = Entry._meta.db_table
    new = {f: f"GREATEST(e.{f} + v.d_{f}, 0)" for f in names}
    score = " + ".join(f"LEAST({new[f]} * {weight(f)}, {cap(f)})" for f in names)
    sets = ", ".join(f"{f} = {new[f]}" for f in names)
    cols = ", ".join(f"d_{f}" for f in names)
    out: list[tuple[int, int, int]] = []
    arrays = ", ".join(["%s::bigint[]"] + ["%s::integer[]"] * len(names))
    with connection.cursor() as cursor:
        for start in range(0, len(items), PG_BATCH):
            chunk = items[start : start + PG_BATCH]
            params = [_pg_array([pk for pk, _ in chunk])] + [
                _pg_array([d[i] for _, d in chunk]) for i in range(len(names))
            ]
            cursor.execute(
                f"UPDATE {table} AS e SET {sets}, score = {score} "  # noqa: S608 - no input
                f"FROM unnest({arrays}) AS v(id, {cols}) WHERE e.id = v.id "
                f"RETURNING e.campaign_id, e.id, e.score",
                params,
            )
            out.extend(cursor.fetchall())
    return out


def _apply_portable(deltas: dict[str, dict[int, int]]) -> list[tuple[int, int, int]]:
    changed: set[int] = set()
    for field, by_entry in deltas.items():
        items = sorted((pk, d) for pk, d in by_entry.items() if d)
        for start in range(0, len(items), UPDATE_BATCH):
            chunk = items[start : start + UPDATE_BATCH]
            ids = [pk for pk, _ in chunk]
            Entry.objects.filter(pk__in=ids).update(
                **{
                    field: Greatest(
                        F(field)
                        + Case(
                            *[When(pk=pk, then=Value(d)) for pk, d in chunk],
                            default=Value(0),
                            output_field=IntegerField(),
                        ),
                        Value(0),
                    )
                }
            )
            changed.update(ids)
    rows: list[tuple[int, int, int]] = []
    if changed:
        ordered = sorted(changed)
        for start in range(0, len(ordered), 5000):
            ids = ordered[start : start + 5000]
            Entry.objects.filter(pk__in=ids).update(score=_score_expression())
            rows.extend(Entry.objects.filter(pk__in=ids).values_list("campaign_id", "id", "score"))
    return rows
