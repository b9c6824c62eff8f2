"""Ranking reads: 热点推荐, 相关推荐 and 要闻.

Views and templates only call these functions. Hot lists come from the Redis sorted sets when
REDIS_URL is set and from the indexed score rows otherwise (see docs/ranking.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from openhao.articles.models import Article, Channel
from openhao.articles.selectors import articles_in_order, linked_article_fields, list_queryset
from openhao.common import keyset
from openhao.common.cache import LISTS_TAG, fragment

from . import redis_store, scores, text_index
from .diversity import CreatorCap
from .models import ArticleScore, ArticleTerms, FeedHidden, FeedMuted, ReadHistory

# How many ranked candidates are read to fill a list after the window and diversity filters.
CANDIDATES = 200


def _diverse(
    entries: Iterable[tuple[int, int]], limit: int, taken: Iterable[int] = ()
) -> list[int]:
    """Up to ``limit`` article ids from (article id, creator id) pairs in rank order, at most
    ``PER_CREATOR`` per creator (counting ``taken``, the creators already in the list)."""
    cap = CreatorCap(taken)
    ids = []
    for article_id, creator_id in entries:
        if len(ids) >= limit:
            break
        if cap.admit(creator_id):
            ids.append(article_id)
    return ids


def _ranked_entries(channel_id: int | None, since) -> list[tuple[int, int]]:
    """(article id, creator id) by descending hot score, published since ``since``: from the
    Redis set, or from the indexed column without Redis or while it is away."""
    if redis_store.enabled():
        try:
            return _ranked_entries_redis(channel_id, since)
        except redis_store.RedisUnavailable:
            pass
    rows = ArticleScore.objects.all()
    if channel_id:
        rows = rows.filter(channel_id=channel_id)  # ranking_channel_hot_idx
    if since:
        rows = rows.filter(published_at__gte=since)
    # ranking_hot_idx / ranking_channel_hot_idx: read in score order, stop after CANDIDATES.
    return list(rows.order_by("-hot").values_list("article_id", "creator_id")[:CANDIDATES])


def _ranked_entries_redis(channel_id: int | None, since) -> list[tuple[int, int]]:
    key = redis_store.channel_key(channel_id) if channel_id else redis_store.site_key()
    members = redis_store.top(key, CANDIDATES)
    if members is None:
        scores.hot_set_rebuild(channel_id=channel_id)
        members = redis_store.top(key, CANDIDATES) or []
    cutoff = since.timestamp() if since else None
    return [(a, c) for a, c, ts in members if cutoff is None or ts >= cutoff]


def hot_ids(*, limit: int, channel_id: int | None = None) -> list[int]:
    """Ids of the hottest articles of the rolling window, author-diverse."""
    since = timezone.now() - timedelta(hours=settings.OPENHAO_HOT_WINDOW_HOURS)
    return _diverse(_ranked_entries(channel_id, since), limit)


def _hot(limit: int) -> list[Article]:
    return articles_in_order(hot_ids(limit=limit))


def hot_articles(*, limit: int = 10, exclude_id: int | None = None) -> list[Article]:
    """热点推荐: highest hot score over the rolling window (default 72 h), at most two per
    creator. One extra item is cached so the article being read can be left out without a
    second query."""
    items = fragment(f"hot:{limit}", [LISTS_TAG], lambda: _hot(limit + 1), timeout=120)
    return [a for a in items if a.pk != exclude_id][:limit]


def hot_article_ids(*, limit: int = 10, exclude_id: int | None = None) -> list[int]:
    """The ids of ``hot_articles``: what a rendered hot-list block is keyed by. Cached as ids,
    so a page whose block is already rendered unpickles a few integers, not the articles."""
    ids = fragment(f"hot-ids:{limit}", [LISTS_TAG], lambda: hot_ids(limit=limit + 1), timeout=120)
    return [i for i in ids if i != exclude_id][:limit]


def related_articles(article: Article, *, limit: int = 6) -> list[Article]:
    """相关推荐: the stored list computed on publish/edit (services.related_refresh), in one
    query (the rows' (article, rank) unique index); articles removed since drop out because the
    list query keeps published articles only. Until the list exists (an article loaded in bulk
    and not yet indexed), the newest of the same channel stand in."""
    stored = list(
        list_queryset()
        .filter(related_to__article_id=article.pk)
        .exclude(pk=article.pk)
        .annotate(related_reason=F("related_to__reason"))
        .order_by("related_to__rank")[:limit]
    )
    if stored:
        for item in stored:
            item.related_why = related_reason_text(item.related_reason)
        return stored
    # article_channel_pub_idx
    return list(
        list_queryset()
        .filter(channel_id=article.channel_id)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-id")[:limit]
    )


def related_reason_text(code: str) -> str:
    """ "为什么推荐" of a stored related item (related.REASONS; empty for rows without one)."""
    from .related import REASONS

    return str(REASONS[code]) if code in REASONS else ""


def _top_stories(channel_id: int | None, limit: int) -> list[Article]:
    base = list_queryset()
    if channel_id is not None:
        base = base.filter(channel_id=channel_id)
    # article_pinned_idx
    pinned = list(base.filter(is_pinned=True).order_by("-published_at")[:limit])
    # Staff chose the pinned items, so the creator cap does not apply to them; the rest of the
    # list counts them towards each creator's share.
    remaining = limit - len(pinned)
    pinned_ids = {a.pk for a in pinned}
    entries = [(a, c) for a, c in _ranked_entries(channel_id, since=None) if a not in pinned_ids]
    ids = _diverse(entries, remaining, taken=(a.creator_id for a in pinned))
    return pinned + articles_in_order(ids)


def top_stories(*, channel: Channel | None = None, limit: int = 8) -> list[Article]:
    """要闻: staff-pinned items first (newest first), then the highest hot score, author-diverse."""
    channel_id = channel.pk if channel else None
    return fragment(
        f"top:{channel_id}:{limit}", [LISTS_TAG], lambda: _top_stories(channel_id, limit)
    )


# --- 推荐 feed ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedPage:
    articles: list[Article]
    next_cursor: str | None


def _parse_cursor(cursor: str | None) -> tuple[float, int] | None:
    """``<score>_<id>`` of the last item examined; anything malformed starts from the top."""
    if not cursor:
        return None
    score, _sep, pk = cursor.partition("_")
    try:
        value, article_id = float(score), int(pk)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN and infinities
        return None
    return value, article_id


def feed_cursor_valid(cursor: str) -> bool:
    """Whether ``cursor`` has the form feed_page gives (the API refuses any other with a 422;
    the web's feed starts from the top)."""
    return _parse_cursor(cursor) is not None


def _below(hot: float, article_id: int) -> Q:
    """Keyset condition (hot, id) < (cursor): written with a plain range on ``hot`` first, so
    the planner walks ranking_hot_idx from the cursor and stops at the LIMIT. The equivalent
    ``hot < x OR (hot = x AND id < y)`` made SQLite merge two index scans and sort every row
    below the cursor (measured: 6 ms instead of 0.2 ms on 20,000 articles)."""
    return Q(hot__lte=hot) & (Q(hot__lt=hot) | Q(article_id__lt=article_id))


def feed_page(*, cursor: str | None = None, size: int = 20, user=None) -> FeedPage:
    """推荐 feed. Anonymous readers: every public article by hot score, author-diverse (at
    most ``PER_CREATOR`` per page), read by keyset pagination on (score, id) — no OFFSET, so page
    50 costs what page 1 costs (ranking_hot_idx). Items a page skips for diversity are not shown
    later: the feed moves on to other creators. A signed-in ``user`` gets ``_personal_page``."""
    if user is not None and user.is_authenticated:
        return _personal_page(user, cursor, size)
    rows = ArticleScore.objects.all()
    after = _parse_cursor(cursor)
    if after:
        hot, article_id = after
        rows = rows.filter(_below(hot, article_id))
    candidates = list(
        rows.order_by("-hot", "-article_id").values_list("article_id", "creator_id", "hot")[
            : size * 3
        ]
    )
    cap = CreatorCap()
    ids: list[int] = []
    last = None
    for article_id, creator_id, hot in candidates:
        last = (hot, article_id)
        if cap.admit(creator_id):
            ids.append(article_id)
            if len(ids) >= size:
                break
    more = last is not None and (len(ids) >= size or len(candidates) >= size * 3)
    next_cursor = f"{last[0]!r}_{last[1]}" if more and last else None
    return FeedPage(articles_in_order(ids), next_cursor)


# --- the signed-in reader's 推荐 feed ------------------------------------------------------------

# Boosts added to the hot score (whose unit is a decade of engagement, or 12.5 h of recency):
# a followed creator's new article ranks as if it had 1,000× the engagement (or were published
# 37.5 h later); the closest "like what you read" article likewise, less as it is less close.
FOLLOW_BOOST = 3.0
NEAR_BOOST = 3.0
FOLLOW_DAYS = 7  # followed creators' articles of the last week are candidates
FOLLOW_CANDIDATES = 100
NEAR_CANDIDATES = 100
PROFILE_READS = 30  # the newest reads that make up the reader's keyword profile
PROFILE_TERMS = 24
HISTORY_LIMIT = 200  # = history.HISTORY_PER_USER
NEAR_CACHE_SECONDS = 600


@dataclass
class SearchMeaning:
    """What search's re-rank reads of the embeddings (``search_vectors``): the query's vector
    and the articles' (both centred like 相关推荐's when the ``centre`` lever is set), and the
    query's nearest public articles that the engine did not find."""

    target: Any = None  # the query's unit vector (numpy), None: no embedding
    ids: list[int] = field(default_factory=list)  # the rows of ``vectors``
    vectors: Any = None  # numpy matrix, one row per id
    extra: list[int] = field(default_factory=list)
    # Per row: the corpus embeddings' cosine with the query's, times its weight relative to
    # the sentence model's (lever ``search_corpus_embed``; zeros when off).
    learned: Any = None
    # The model was not ready within the search's wait (``search_vectors``' ``wait``): no
    # meaning this time; it goes on in its thread and the next search of the query has it.
    late: bool = False

    def cosines(self, target=None) -> dict[int, float]:
        """The query's cosine with each row (``target``: another query vector), plus the
        corpus embeddings' weighted cosine when that lever is on."""
        if self.vectors is None:
            return {}
        values = self.vectors @ (self.target if target is None else target)
        if self.learned is not None:
            values = values + self.learned
        return {pk: float(c) for pk, c in zip(self.ids, values, strict=True)}


def search_vectors(
    text: str,
    article_ids: list[int],
    *,
    neighbours: int | None = None,
    channel_id: int | None = None,
    since=None,
    wait: float | None = None,
) -> SearchMeaning:
    """The query ``text``'s embedding, the stored embeddings of ``article_ids`` (the engine's
    best matches) and, with the sentence model, the query's nearest public articles that the
    engine did not find (up to four times the ``search_neighbours`` lever, or ``neighbours``,
    for the caller to drop those that match the words after all), best first, within the
    channel and time filters (docs/search.md). The query is normalised (Traditional →
    Simplified) and its embedding cached by the backend. Empty when the backend gives the
    query no embedding. Sentence model: one query for the vectors (and one for the filters
    when neighbours are asked); corpus: one for the query's terms, one for the embeddings.
    ``wait``: at most this many seconds for the sentence model (None: as long as it takes);
    past it the result is empty and ``late``."""
    import numpy as np

    from . import ann, embedders, related
    from .models import ArticleEmbedding

    backend = embedders.get_backend()
    levers = related.weights(backend.name)
    ids = list(article_ids)
    if backend.name == "corpus":
        query = backend.embed_query(text)
        if query is None or not np.any(query):
            return SearchMeaning()
        target = np.asarray(query, dtype=np.float32)
        stored = dict(
            ArticleTerms.objects.filter(article_id__in=ids).values_list("article_id", "embedding")
        )
        keep = [pk for pk in ids if stored.get(pk) and len(stored[pk]) == len(target)]
        if not keep:
            return SearchMeaning(target=target)
        matrix = np.asarray([stored[pk] for pk in keep], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return SearchMeaning(target=target, ids=keep, vectors=matrix / norms)
    # What needs no query vector comes first, while the model (started by ``search_prefetch``)
    # runs in its thread: the matches' stored vectors, the query's corpus embedding and the
    # index's catch-up.
    embeddings = ArticleEmbedding.objects.filter(model=backend.model, article__terms__isnull=False)
    rows = list(embeddings.filter(article_id__in=ids).values_list(*_SEARCH_COLUMNS))
    mix, learned_target = _search_corpus_mix(text, levers)
    index = ann.get_index()
    _ = index.centre  # loads the index, or catches up with other processes, before the wait
    query = backend.embed_query(text, wait=wait)
    if query is None:
        return SearchMeaning(late=True)
    if not np.any(query):
        return SearchMeaning()
    target = np.asarray(query, dtype=np.float32)
    wanted = search_neighbours() if neighbours is None else neighbours
    extra: list[int] = []
    if wanted:
        known = set(ids)
        near = [pk for pk, _cos in index.search(query, len(ids) + 4 * wanted) if pk not in known]
        if near:
            found = _public_rows(embeddings, near, channel_id, since)
            # More than asked for: the caller drops those that match the words after all.
            extra = [pk for pk in near if pk in found]
            rows += [(pk, *found[pk]) for pk in extra]
    if levers.get("centre"):
        target = index.prepare(target)
    if not rows:
        return SearchMeaning(target=target, extra=extra)
    matrix = np.vstack(embedders.unpack_many([(v, s) for _pk, v, s, _c in rows]))
    if levers.get("centre"):
        matrix = index.prepare(matrix)
    return SearchMeaning(
        target=target,
        ids=[row[0] for row in rows],
        vectors=matrix,
        extra=extra,
        learned=_learned(rows, mix, learned_target),
    )


_SEARCH_COLUMNS = ("article_id", "vector", "scale", "article__terms__embedding")


def _public_rows(embeddings, ids, channel_id, since) -> dict[int, tuple]:
    """The stored vector, scale and corpus embedding of those of ``ids`` that are public and
    within the filters, in one query."""
    public = embeddings.filter(article_id__in=ids)
    if channel_id is not None:
        public = public.filter(article__terms__channel_id=channel_id)
    if since is not None:
        public = public.filter(article__terms__published_at__gte=since)
    return {pk: rest for pk, *rest in public.values_list(*_SEARCH_COLUMNS)}


def _learned(rows, mix: float, learned_target):
    """``mix`` × the corpus embeddings' cosine with the query's, per row (None when off)."""
    import numpy as np

    from . import related

    if learned_target is None:
        return None
    corpus = [np.asarray(c, dtype=np.float32) if c else None for _pk, _v, _s, c in rows]
    return mix * related.corpus_cosines(corpus, learned_target)


def _search_corpus_mix(text: str, levers: dict):
    """(weight relative to ``search_embed``, the query's unit corpus embedding) when the
    ``search_corpus_embed`` lever is on and the corpus embeddings know the query's words; else
    (0, None). The weight grows with the corpus like 相关推荐's (``related.corpus_weight``)."""
    import numpy as np

    from . import embedders, related

    if not float(levers.get("search_corpus_embed", 0.0)):
        return 0.0, None
    vector, documents = embedders.CorpusBackend().query_embedding(text)
    weight = related.corpus_weight(levers, documents, "search_corpus_embed")
    norm = float(np.linalg.norm(vector))
    if not weight or norm == 0:
        return 0.0, None
    return weight / float(levers["search_embed"]), vector / norm


def search_meaning(
    text: str,
    article_ids: list[int],
    *,
    neighbours: int | None = None,
    channel_id: int | None = None,
    since=None,
) -> tuple[dict[int, float], list[int]]:
    """``search_vectors`` as (cosine by id, meaning-only candidate ids)."""
    found = search_vectors(
        text, article_ids, neighbours=neighbours, channel_id=channel_id, since=since
    )
    return found.cosines(), found.extra


def search_prefetch(text: str) -> None:
    """Start embedding a search query while the engine matches its words (the sentence model
    in a worker thread; nothing for the corpus backend): ``search_vectors`` then waits only
    for what is left of the model's time (docs/search.md, "Cost")."""
    from . import embedders

    if text:
        embedders.get_backend().prefetch_query(text)


def search_levers() -> dict:
    """Search's levers of the active backend (related_weights.json): ``search_embed`` (the
    cosine's weight), ``search_feedback`` (how many of the best first-pass results move the
    query's vector; 0: off), ``search_feedback_weight`` (how far they move it: that many times
    their mean is added to it) and ``search_fusion`` ("linear" or "rrf")."""
    from . import embedders, related

    levers = related.weights(embedders.get_backend().name)
    return {
        "embed": float(levers["search_embed"]),
        "feedback": int(levers.get("search_feedback", 0)),
        "fusion": levers.get("search_fusion", "linear"),
        "rrf_k": float(levers.get("search_rrf_k", 60)),
        "feedback_weight": float(levers.get("search_feedback_weight", 1.0)),
    }


def search_neighbours() -> int:
    """How many meaning-only articles search adds (related_weights.json; 0 for the corpus
    backend, which has no nearest-neighbour index)."""
    from . import embedders, related

    backend = embedders.get_backend()
    if backend.name == "corpus":
        return 0
    return int(related.weights(backend.name).get("search_neighbours", 0))


def search_embed_weight() -> float:
    """Search's weight of the query-to-article cosine (related_weights.json), per backend: the
    sentence model's cosines spread less than the corpus ones."""
    from . import embedders, related

    return float(related.weights(embedders.get_backend().name)["search_embed"])


def read_history_ids(user) -> list[int]:
    """The reader's recently read article ids, newest first (ranking_readhistory_user_idx)."""
    return list(
        ReadHistory.objects.filter(user=user)
        .order_by("-read_at")
        .values_list("article_id", flat=True)[:HISTORY_LIMIT]
    )


def near_reading(read_ids: list[int]) -> dict[int, float]:
    """Articles close to what was read: a keyword profile (the sum of the newest reads' stored
    keyword vectors, newer reads weighing more) scored against the inverted index like 相关推荐
    does. Returns article id → closeness in (0, 1] (relative to the closest); read articles are
    left out. Three queries (vectors, IDF rows, postings)."""
    from . import related

    recent = read_ids[:PROFILE_READS]
    if not recent:
        return {}
    order = {a: i for i, a in enumerate(recent)}
    profile: Counter[str] = Counter()
    for row in ArticleTerms.objects.filter(article_id__in=recent).only("article_id", "vector"):
        weight = 1.0 / (1.0 + order[row.article_id] / 10)
        for term, value in row.vector.items():
            profile[term] += value * weight
    if not profile:
        return {}
    top = dict(profile.most_common(PROFILE_TERMS))
    documents, _avg = text_index.corpus_stats()
    dfs = text_index.document_frequencies(top)
    # The reads themselves score highest against their own profile: leave room for them.
    scores = related.candidate_scores(
        top, dfs, documents, exclude_id=0, limit=NEAR_CANDIDATES + len(recent)
    )
    read = set(read_ids)
    best = sorted((a for a in scores if a not in read), key=lambda a: (-scores[a], -a))
    best = best[:NEAR_CANDIDATES]
    if not best or scores[best[0]] <= 0:
        return {}
    # 1.0 means "as close as the reads themselves" (the mean score of the three reads closest
    # to their own profile), so a corpus with nothing close gives small boosts, not 1.0.
    own = sorted((scores.get(a, 0.0) for a in recent), reverse=True)[:3]
    scale = sum(own) / len(own) if sum(own) > 0 else scores[best[0]]
    return {a: min(1.0, scores[a] / scale) for a in best}


def _near_cached(user, read_ids: list[int]) -> dict[int, float]:
    """``near_reading`` cached per reader and reading history (a new flushed read changes the
    key), so scrolling on costs no posting scans."""
    key = f"feed:near:{user.pk}:{read_ids[0] if read_ids else 0}:{len(read_ids)}"
    found = cache.get(key)
    if found is None:
        found = near_reading(read_ids)
        cache.set(key, list(found.items()), NEAR_CACHE_SECONDS)
        return found
    return dict(found)


def _personal_page(user, cursor: str | None, size: int) -> FeedPage:
    """Followed creators' new articles, articles close to the reader's recent reads, and hot
    articles, mixed in one order: feed score = hot score + FOLLOW_BOOST (followed creator) +
    NEAR_BOOST × closeness. Read, hidden and muted items are left out; at most ``PER_CREATOR``
    per creator per page. Keyset pagination on (feed score, id): the boosted candidates are a
    bounded set scored whole on every page; every other article's feed score is its hot score,
    read from ranking_hot_idx below the cursor, so merging the two stays exact. Nine queries,
    five when the closeness list is cached."""
    read_ids = read_history_ids(user)
    near = _near_cached(user, read_ids)
    hidden = FeedHidden.objects.filter(user=user).values("article_id")
    muted = FeedMuted.objects.filter(user=user).values("creator_id")
    from openhao.engagement.models import Follow

    # Follow's follow_once index (user, creator).
    followed_ids = set(Follow.objects.filter(user=user).values_list("creator_id", flat=True))
    since = timezone.now() - timedelta(days=FOLLOW_DAYS)
    # One query for the boosted candidates: followed creators' recent articles and the close
    # ones (primary keys).
    rows = (
        ArticleScore.objects.filter(
            Q(creator_id__in=followed_ids, published_at__gte=since) | Q(article_id__in=list(near))
        )
        .exclude(article_id__in=read_ids)
        .exclude(article_id__in=hidden)
        .exclude(creator_id__in=muted)
        .order_by("-published_at")
        .values_list("article_id", "creator_id", "hot")[: FOLLOW_CANDIDATES + NEAR_CANDIDATES]
    )
    scored: dict[int, tuple[float, int]] = {}
    for article_id, creator_id, hot in rows:
        score = hot + NEAR_BOOST * near.get(article_id, 0.0)
        if creator_id in followed_ids:
            score += FOLLOW_BOOST
        scored[article_id] = (score, creator_id)

    after = _parse_cursor(cursor)
    below = (lambda s, a: (s, a) < after) if after else (lambda s, a: True)
    hot_rows = ArticleScore.objects.exclude(article_id__in=read_ids).exclude(article_id__in=hidden)
    hot_rows = hot_rows.exclude(creator_id__in=muted)
    if after:
        hot, article_id = after
        hot_rows = hot_rows.filter(_below(hot, article_id))
    limit = size * 3
    # ranking_hot_idx: in score order, below the cursor.
    plain = list(
        hot_rows.order_by("-hot", "-article_id").values_list("article_id", "creator_id", "hot")[
            :limit
        ]
    )
    # Only what is at or above the last hot row read is known completely.
    floor = (plain[-1][2], plain[-1][0]) if len(plain) >= limit else None
    merged = {a: (s, c) for a, (s, c) in scored.items() if below(s, a)}
    for article_id, creator_id, hot in plain:
        if article_id not in scored:
            merged[article_id] = (hot, creator_id)
    order = sorted(merged.items(), key=lambda kv: (kv[1][0], kv[0]), reverse=True)
    cap = CreatorCap()
    ids: list[int] = []
    last = None
    more = False
    for article_id, (score, creator_id) in order:
        if floor is not None and (score, article_id) < floor:
            more = True
            break
        if len(ids) >= size:
            more = True
            break
        last = (score, article_id)
        if cap.admit(creator_id):
            ids.append(article_id)
    else:
        # Every merged item was examined; more exist only if the hot read was cut short.
        more = floor is not None
    next_cursor = f"{last[0]!r}_{last[1]}" if more and last else None
    return FeedPage(articles_in_order(ids), next_cursor)


HISTORY_PER_PAGE = 30


@dataclass
class HistoryDay:
    day: object  # a date in the site's time zone
    entries: list


def history_page(
    *, user, cursor=None, size: int = HISTORY_PER_PAGE
) -> tuple[keyset.KeysetPage, list]:
    """阅读历史: the reader's reads newest first, keyset on (read_at, id) along
    ranking_readhistory_user_idx, each with its article and creator (one query), grouped by
    day in the site's time zone (Asia/Shanghai). An article no longer public stays listed,
    shown as 内容已下架."""
    qs = (
        ReadHistory.objects.filter(user=user)
        .select_related("article", "article__creator")
        .only("id", "read_at", *linked_article_fields())
    )
    page = keyset.page(qs, field="read_at", cursor=cursor, size=size)
    days: list[HistoryDay] = []
    for entry in page.items:
        day = timezone.localtime(entry.read_at).date()
        if not days or days[-1].day != day:
            days.append(HistoryDay(day, []))
        days[-1].entries.append(entry)
    return page, days
