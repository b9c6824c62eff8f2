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

One batch: one query for the entries of the articles concerned, one for the accounts, the
moderation hook once, then on PostgreSQL one ``UPDATE … FROM unnest(…) RETURNING`` per 5,000
entries (counters and score together), elsewhere one UPDATE per 500 entries per changed counter
and one for the scores; then a pipeline of ZADDs to the leaderboard. Counters move relative to
the row (concurrent flushes add up); the score is recomputed from the counters in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

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
PG_BATCH = 5000
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
    events = list(events)
    if not events:
        return 0
    now = now or timezone.now()
    article_ids = {e.article_id for e in events}
    running = Campaign.objects.filter(
        status=Campaign.Status.PUBLISHED, starts_at__lte=now, ends_at__gte=now
    ).values_list("id", flat=True)
    running = list(running)
    if not running:
        return 0
    entries = defaultdict(list)
    for entry_id, article_id, campaign_id, entered_at, author_id in _entries_of(
        article_ids, running
    ):
        entries[article_id].append((entry_id, campaign_id, entered_at, author_id))
    if not entries:
        return 0
    user_ids = {e.user_id for e in events if e.user_id is not None and e.article_id in entries}
    joined = _date_joined(user_ids)
    flagged = moderation_flagged(user_ids)
    deltas: dict[str, dict[int, int]] = {f: defaultdict(int) for f in FIELDS}
    campaigns = set()
    applied = 0
    for event in events:
        field = KIND_FIELD.get(event.kind)
        if field is None:
            continue
        for entry_id, campaign_id, entered_at, author_id in entries.get(event.article_id, ()):
            uid = event.user_id
            excluded = uid is not None and (
                uid == author_id or uid in flagged or joined.get(uid, now) > entered_at
            )
            if event.kind == "read_by":
                if not excluded:
                    continue  # already counted in the article's reads
                delta = -event.delta
            elif excluded:
                continue
            else:
                delta = event.delta
            deltas[field][entry_id] += delta
            campaigns.add(campaign_id)
            applied += 1
    if connection.vendor == "postgresql":
        rows = _apply_postgresql(deltas)
    else:
        rows = _apply_portable(deltas)
    if rows:
        board().set_scores(rows)
        _bump_throttled(campaigns)
    return applied


def _entries_of(article_ids, campaign_ids):
    """(entry, article, campaign, entered_at, author's user) of these articles' entries in the
    running campaigns. On PostgreSQL the ids go as one array parameter: a list of thousands
    of placeholders costs more to build and parse than the query takes to run."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Table names only; the ids are parameters.
            tables = f"{Entry._meta.db_table} e JOIN {Creator._meta.db_table} c"
            sql = (
                "SELECT e.id, e.article_id, e.campaign_id, e.entered_at, c.user_id FROM "  # noqa: S608
                + tables
                + " ON c.id = e.creator_id WHERE e.article_id = ANY(%s) AND e.campaign_id = ANY(%s)"
            )
            cursor.execute(sql, [list(article_ids), list(campaign_ids)])
            return cursor.fetchall()
    return Entry.objects.filter(
        article_id__in=article_ids, campaign_id__in=campaign_ids
    ).values_list("id", "article_id", "campaign_id", "entered_at", "creator__user_id")


def _date_joined(user_ids) -> dict:
    if not user_ids:
        return {}
    users = get_user_model()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, date_joined FROM {users._meta.db_table} "  # noqa: S608
                "WHERE id = ANY(%s)",
                [list(user_ids)],
            )
            return dict(cursor.fetchall())
    return dict(users.objects.filter(pk__in=user_ids).values_list("pk", "date_joined"))


def _apply_postgresql(deltas: dict[str, dict[int, int]]) -> list[tuple[int, int, int]]:
    """One UPDATE … FROM unnest(arrays) RETURNING per ``PG_BATCH`` entries: all four counters
    and the score in one statement (SET expressions read the old row, so the score is written
    from the new counters spelt out)."""
    by_entry: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    names = list(FIELDS)
    for i, field in enumerate(names):
        for pk, d in deltas[field].items():
            if d:
                by_entry[pk][i] += d
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
            params = [[pk for pk, _ in chunk]] + [[d[i] for _, d in chunk] for i in range(4)]
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
