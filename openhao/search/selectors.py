"""Search reads: query parsing, results with filters and pagination, creator matches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.paginator import Page
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles.models import Article, Channel
from openhao.articles.selectors import list_queryset, paginate
from openhao.common.text import normalize, search_terms
from openhao.creators.models import Creator
from openhao.ranking.selectors import (
    search_levers,
    search_neighbours,
    search_prefetch,
    search_vectors,
)

from .backends import Hits, get_backend

MAX_QUERY_CHARS = 100  # longer queries are cut here (a search box, not a document)
MAX_TERMS = 12
MAX_PAGES = 50
RERANK = 50  # the best this many text matches are re-ordered by meaning (``_rerank``)
# Time filter choices: URL value → days (None: any time).
PERIODS = {"": None, "1d": 1, "7d": 7, "30d": 30, "365d": 365}


@dataclass
class ParsedQuery:
    raw: str
    text: str  # normalised (Simplified, NFKC, lower case), cut to MAX_QUERY_CHARS
    terms: list[str]
    message: str = ""


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def parse_query(raw: str | None) -> ParsedQuery:
    # Control characters (NUL above all, which PostgreSQL refuses in text) are never meant.
    raw = _CONTROL_RE.sub(" ", raw or "").strip()
    text = normalize(raw)[:MAX_QUERY_CHARS].strip()
    terms = list(dict.fromkeys(search_terms(text)))[:MAX_TERMS]
    message = ""
    if not raw:
        message = _("请输入要搜索的内容。")
    elif not terms:
        message = _("没有可以搜索的词，请换个说法试试。")
    elif len(normalize(raw)) > MAX_QUERY_CHARS:
        message = _("搜索词太长，只按前 %(n)d 个字搜索。") % {"n": MAX_QUERY_CHARS}
    return ParsedQuery(raw=raw, text=text, terms=terms, message=message)


def _match(terms, *, channel_id, since, offset, limit, page_size, until=None) -> Hits:
    """All terms must match; when that finds less than a page, any term may match (ranked by
    relevance, so the best matches still come first)."""
    backend = get_backend()
    kw = {"channel_id": channel_id, "since": since, "until": until}
    hits = backend.search(terms, match_all=True, offset=offset, limit=limit, **kw)
    if len(terms) > 1 and hits.total < page_size:
        hits = backend.search(terms, match_all=False, offset=offset, limit=limit, **kw)
    return hits


def _fuse(text_rank: list[float], cosines: list[float], levers: dict) -> list[float]:
    """One score per pooled article from its text rank (``None``: meaning-only) and cosine.
    "linear": text rank (1 at the top, falling by 1 / RERANK a place; 0 for a meaning-only
    article) + search_embed × cosine. "rrf" (reciprocal-rank fusion): 1 / (k + place) in the
    engine's order + search_embed / 10 × 1 / (k + place) in the cosines' order, which reads
    only the two orders and so does not depend on how a backend's cosines spread."""
    if levers["fusion"] == "rrf":
        k = levers["rrf_k"]
        by_cos = sorted(range(len(cosines)), key=lambda i: (-cosines[i], i))
        cos_place = {i: place for place, i in enumerate(by_cos)}
        weight = levers["embed"] / 10
        return [
            (0.0 if rank is None else 1 / (k + rank)) + weight / (k + cos_place[i])
            for i, rank in enumerate(text_rank)
        ]
    return [
        (0.0 if rank is None else 1 - rank / RERANK) + levers["embed"] * cos
        for rank, cos in zip(text_rank, cosines, strict=True)
    ]


def _rerank(
    ids: list[int], text: str, *, terms=(), channel_id=None, since=None, until=None, wait=None
) -> tuple[list[int], int, bool]:
    """The best text matches re-ordered by meaning, joined by articles that share the query's
    meaning but not its words (docs/search.md). Each pooled article scores by ``_fuse`` of its
    place in the engine's order and the cosine between the query's embedding and the
    article's (ranking's ``search_vectors``: the 相关推荐 embeddings, docs/ranking.md). With the
    ``search_feedback`` lever, the query's vector then moves towards the mean of the best few,
    ``search_feedback_weight`` times that mean added to it (pseudo-relevance feedback: a
    three-word query says little, its best matches say what it is about), and the cosines are
    taken again. Equal scores keep the engine's order (relevance, then newest). Returns the
    ids, how many meaning-only articles joined (each within the channel and time filters; the
    sentence model only) and whether the model was late (``wait`` seconds passed without the
    query's embedding: the engine's order)."""
    if not text:
        return ids, 0, False
    found = search_vectors(text, ids, channel_id=channel_id, since=since, wait=wait)
    if found.vectors is None:
        return ids, 0, found.late
    extra = _meaning_only(found.extra, terms, until)[: search_neighbours()]
    levers = search_levers()
    pool = ids + extra
    text_rank = [*range(len(ids)), *([None] * len(extra))]
    cosines = found.cosines()
    score = _fuse(text_rank, [cosines.get(pk, 0.0) for pk in pool], levers)
    if levers["feedback"]:
        row = {pk: i for i, pk in enumerate(found.ids)}
        first = sorted(range(len(pool)), key=lambda i: (-score[i], i))
        best = [pool[i] for i in first if pool[i] in row][: levers["feedback"]]
        if best:
            mean = found.vectors[[row[pk] for pk in best]].mean(axis=0)
            moved = found.target + levers["feedback_weight"] * mean
            norm = float(np.linalg.norm(moved))
            cosines = found.cosines(moved / norm if norm > 0 else moved)
            score = _fuse(text_rank, [cosines.get(pk, 0.0) for pk in pool], levers)
    order = sorted(range(len(pool)), key=lambda i: (-score[i], i))
    return [pool[i] for i in order], len(extra), False


def _meaning_only(candidates: list[int], terms, until) -> list[int]:
    """Those of ``candidates`` that match none of the words (an article the engine matches
    comes in its own place, and a page must never show it twice) and, for a pinned search (the
    API's cursor), were published by its pin."""
    matched = get_backend().matching(list(terms), candidates) if candidates else set()
    out = [pk for pk in candidates if pk not in matched]
    if until is not None and out:
        kept = set(
            Article.objects.filter(pk__in=out, published_at__lte=until).values_list("pk", flat=True)
        )
        out = [pk for pk in out if pk in kept]
    return out


def embed_wait() -> float | None:
    """Seconds a first page may wait for the query's embedding (OPENHAO_SEARCH_EMBED_WAIT_MS;
    None: no limit)."""
    wait = settings.OPENHAO_SEARCH_EMBED_WAIT_MS
    return None if wait is None else max(0.0, float(wait)) / 1000


def _search(
    terms, *, text="", channel_id, since, offset, limit, page_size, rerank=True, until=None
) -> Hits:
    """``_match``, with the first ``RERANK`` matches and the meaning-only articles re-ordered
    by ``_rerank``; pages past them keep the engine's order (shifted by the meaning-only
    articles), so paging never repeats or skips an item. The total counts both.

    A first page waits for the query's embedding at most ``embed_wait()`` (a query no process
    has embedded yet costs the model ~10-25 ms): past it, the page is the engine's order and
    ``late``, and the model finishes in its thread for the next request. Later pages wait as
    long as it takes: by then the query's embedding is most likely cached, and the API's
    cursor says when its first page was late (``search_window``'s ``rerank``)."""
    kw = {"channel_id": channel_id, "since": since, "page_size": page_size, "until": until}
    if not rerank or not text:
        return _match(terms, offset=offset, limit=limit, **kw)
    search_prefetch(text)  # the query's embedding is computed while the engine matches
    block = _match(terms, offset=0, limit=RERANK, **kw)
    head, joined, late = _rerank(
        block.ids,
        text,
        terms=terms,
        channel_id=channel_id,
        since=since,
        until=until,
        wait=embed_wait() if offset == 0 else None,
    )
    total = block.total + joined
    if offset + limit <= len(head) or block.total <= len(block.ids):
        return Hits(head[offset : offset + limit], total, late)
    # Past the head: the engine's order, shifted by the meaning-only articles in the head.
    start = max(offset, len(head))
    rest = _match(terms, offset=start - joined, limit=offset + limit - start, **kw).ids
    return Hits(head[offset:] + rest if offset < len(head) else rest, total, late)


def search_ids(query: str, *, limit: int = 10) -> list[int]:
    """Ids of the best matches for a query string (evaluation and API use)."""
    parsed = parse_query(query)
    if not parsed.terms:
        return []
    hits = _search(
        parsed.terms,
        text=parsed.text,
        channel_id=None,
        since=None,
        offset=0,
        limit=limit,
        page_size=limit,
    )
    return hits.ids


def search_window(
    query: str, *, until: datetime, offset: int, limit: int, page_size: int, rerank: bool = True
) -> tuple[list[int], bool, bool]:
    """``limit`` ids from ``offset`` of the matches of ``query`` as they stood at ``until``
    (the web's order: relevance, re-ordered by meaning at the top), whether more follow, and
    whether the order was re-ranked by meaning. The API's search cursor pins ``until``, the
    offset and that last answer: an article published after the pin is in no later page, and
    a first page served in the engine's order (the model was late, ``_search``) is followed in
    that order, so neither shifts anything. ``page_size`` decides when "all terms" falls back
    to "any term" and must not change between pages."""
    parsed = parse_query(query)
    if not parsed.terms:
        return [], False, rerank
    hits = _search(
        parsed.terms,
        text=parsed.text,
        channel_id=None,
        since=None,
        offset=offset,
        limit=limit + 1,
        page_size=page_size,
        until=until,
        rerank=rerank,
    )
    return hits.ids[:limit], len(hits.ids) > limit, rerank and not hits.late


class _LazyResults:
    """A sequence for Django's Paginator: counting and slicing run the search, so only the
    requested page is fetched from the backend and loaded from the database."""

    def __init__(self, terms, text, channel_id, since, page_size):
        self.terms, self.text, self.channel_id, self.since = terms, text, channel_id, since
        self.page_size = page_size
        self._total = None
        self._memo: dict[tuple, Hits] = {}

    def _run(self, offset, limit, rerank=True) -> Hits:
        # The count and the first page are one search (the paginator asks for both).
        key = (offset, limit, rerank)
        if key not in self._memo:
            self._memo[key] = self._search(offset, limit, rerank)
        return self._memo[key]

    def _search(self, offset, limit, rerank) -> Hits:
        return _search(
            self.terms,
            text=self.text,
            channel_id=self.channel_id,
            since=self.since,
            offset=offset,
            limit=limit,
            page_size=self.page_size,
            rerank=rerank,
        )

    @property
    def late(self) -> bool:
        """Whether a page read so far is in the engine's order because the model was late."""
        return any(hits.late for hits in self._memo.values())

    def count(self) -> int:
        if self._total is None:
            # The first page's search: the count includes the meaning-only articles.
            total = self._run(0, self.page_size).total
            self._total = min(total, self.page_size * MAX_PAGES)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("search results are read by page")
        offset = item.start or 0
        ids = self._run(offset, (item.stop or offset + self.page_size) - offset).ids
        by_id = {a.pk: a for a in list_queryset().filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


@dataclass
class SearchResults:
    query: ParsedQuery
    page: Page | None
    channel: Channel | None
    period: str
    creators: list[Creator] = field(default_factory=list)
    late: bool = False  # the page is in the engine's order: the model was late (``_search``)


def search(
    *, q: str | None, channel_slug: str = "", period: str = "", page_number=None
) -> SearchResults:
    parsed = parse_query(q)
    if parsed.terms:
        search_prefetch(parsed.text)  # the model runs while the filters and names are read
    channel = Channel.objects.filter(slug=channel_slug).first() if channel_slug else None
    period = period if period in PERIODS else ""
    days = PERIODS[period]
    since: datetime | None = timezone.now() - timedelta(days=days) if days else None
    results = SearchResults(query=parsed, page=None, channel=channel, period=period)
    if parsed.text:
        # A query that is a creator's name shows that creator too (号名称 is unique).
        results.creators = list(Creator.objects.filter(display_name__iexact=parsed.text)[:1])
        if not results.creators and parsed.raw and parsed.raw != parsed.text:
            results.creators = list(Creator.objects.filter(display_name__iexact=parsed.raw)[:1])
    if parsed.terms:
        size = settings.OPENHAO_PAGE_SIZE
        lazy = _LazyResults(parsed.terms, parsed.text, channel.pk if channel else None, since, size)
        results.page = paginate(lazy, page_number, size)
        results.late = lazy.late  # the paginator has run the page's search
    return results


def channels() -> list[Channel]:
    return list(Channel.objects.order_by("order"))
