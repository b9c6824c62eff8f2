"""Full-text search backends behind one interface. The backend follows the database engine:
SQLite FTS5 (the default, embedded) or PostgreSQL full-text search. Both index the same
jieba search-mode segmentation (openhao.common.text.search_terms), so Chinese matches by word
whatever the engine; both rank title matches first, then the article's channel and topic names
(its "tags"), then the body. docs/search.md describes how to
add another (OpenSearch/Elasticsearch) behind the same interface."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection


@dataclass(frozen=True)
class Entry:
    article_id: int
    channel_id: int
    published_at: datetime
    title_terms: list[str]
    body_terms: list[str]
    # The channel's name and the topics' names: 汽车 finds the 汽车 channel's articles.
    tag_terms: list[str]


@dataclass(frozen=True)
class Hits:
    ids: list[int]
    total: int
    # The meaning re-rank was skipped because the model had not answered within the search's
    # wait (search/selectors.py, ``_search``): this order is the engine's, not to be stored.
    late: bool = False


class SearchBackend:
    def upsert(self, entries: list[Entry]) -> None:
        raise NotImplementedError

    def delete(self, article_ids: list[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def search(
        self,
        terms: list[str],
        *,
        match_all: bool,
        channel_id: int | None,
        since: datetime | None,
        offset: int,
        limit: int,
        until: datetime | None = None,
    ) -> Hits:
        """Article ids by relevance (ties: newest first, then the higher id, so the order is
        total and an offset means the same rows twice) and the number of matches; ``until``
        leaves out what was published after it (the API's search cursor pins it)."""
        raise NotImplementedError

    def matching(self, terms: list[str], article_ids: list[int]) -> set[int]:
        """Which of ``article_ids`` match any of ``terms`` (one query)."""
        raise NotImplementedError


class SqliteFtsBackend(SearchBackend):
    # Weights of bm25 per column (title, body, tags): a word of the title counts most, the
    # channel or a topic less, the body least (lower is better in FTS5's bm25).
    RANK = "bm25(search_fts, 4.0, 1.0, 2.0)"

    def upsert(self, entries):
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(e.article_id,) for e in entries]
            )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body, tags, channel_id, published) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        e.article_id,
                        " ".join(e.title_terms),
                        " ".join(e.body_terms),
                        " ".join(e.tag_terms),
                        e.channel_id,
                        e.published_at.timestamp(),
                    )
                    for e in entries
                ],
            )

    def delete(self, article_ids):
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in article_ids]
            )

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def search(self, terms, *, match_all, channel_id, since, offset, limit, until=None):
        # Every term is a quoted FTS5 string ("" escapes a quote), so operators in a query
        # (AND, NEAR, *, ^, column filters) are only ever text.
        quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
        match = (" AND " if match_all else " OR ").join(quoted)
        where = ["search_fts MATCH %s"]
        params: list = [match]
        if channel_id is not None:
            where.append("channel_id = %s")
            params.append(channel_id)
        if since is not None:
            where.append("published >= %s")
            params.append(since.timestamp())
        if until is not None:
            where.append("published <= %s")
            params.append(until.timestamp())
        cond = " AND ".join(where)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM search_fts WHERE {cond}", params)  # noqa: S608
            total = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT rowid FROM search_fts WHERE {cond} "  # noqa: S608
                f"ORDER BY round({self.RANK}, 3), published DESC, rowid DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return Hits(ids, total)

    def matching(self, terms, article_ids):
        if not terms or not article_ids:
            return set()
        quoted = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        marks = ", ".join(["%s"] * len(article_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({marks})",  # noqa: S608
                [quoted, *article_ids],
            )
            return {row[0] for row in cursor.fetchall()}


class PostgresBackend(SearchBackend):
    # ts_rank_cd's weights of the labels {D, C, B, A}: the title is A, the tags (channel and
    # topic names) B, the body C; the same order as SQLite's bm25 weights.
    WEIGHTS = "{0.1, 0.4, 0.7, 1.0}"

    def upsert(self, entries):
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_entry (article_id, channel_id, published_at, document) "
                "VALUES (%s, %s, %s, setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B') || "
                "setweight(to_tsvector('simple', %s), 'C')) "
                "ON CONFLICT (article_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, "
                "published_at = EXCLUDED.published_at, document = EXCLUDED.document",
                [
                    (
                        e.article_id,
                        e.channel_id,
                        e.published_at,
                        " ".join(e.title_terms),
                        " ".join(e.tag_terms),
                        " ".join(e.body_terms),
                    )
                    for e in entries
                ],
            )

    def delete(self, article_ids):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry WHERE article_id = ANY(%s)", [article_ids])

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_entry")

    def search(self, terms, *, match_all, channel_id, since, offset, limit, until=None):
        # plainto_tsquery takes any text as words, so operators in a query are only text.
        op = " && " if match_all else " || "
        tsquery = op.join(["plainto_tsquery('simple', %s)"] * len(terms))
        where = ["document @@ q"]
        params: list = []
        if channel_id is not None:
            where.append("channel_id = %s")
            params.append(channel_id)
        if since is not None:
            where.append("published_at >= %s")
            params.append(since)
        if until is not None:
            where.append("published_at <= %s")
            params.append(until)
        cond = " AND ".join(where)
        sql = (
            f"WITH query AS (SELECT ({tsquery}) AS q) "  # noqa: S608
            "SELECT article_id, count(*) OVER () FROM search_entry, query "
            f"WHERE {cond} "
            f"ORDER BY round(ts_rank_cd('{self.WEIGHTS}', document, q)::numeric, 3) DESC, "
            "published_at DESC, article_id DESC "
            "LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*terms, *params, limit, offset])
            rows = cursor.fetchall()
        if rows:
            return Hits([r[0] for r in rows], rows[0][1])
        if offset == 0:
            return Hits([], 0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH query AS (SELECT ({tsquery}) AS q) "  # noqa: S608
                f"SELECT count(*) FROM search_entry, query WHERE {cond}",
                [*terms, *params],
            )
            return Hits([], cursor.fetchone()[0])

    def matching(self, terms, article_ids):
        if not terms or not article_ids:
            return set()
        tsquery = " || ".join(["plainto_tsquery('simple', %s)"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM search_entry WHERE document @@ ({tsquery}) "  # noqa: S608
                "AND article_id = ANY(%s)",
                [*terms, list(article_ids)],
            )
            return {row[0] for row in cursor.fetchall()}


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteFtsBackend()
