"""`make bench-moderation`: the sensitive-word scan and the 原创 lookup.

1. Scan: a list of BENCH_MODERATION_WORDS (10,000) words over a 5,000-character article and over
   100 comments of 100 characters, through WordFilter.check (normalisation, the automaton, the
   word-boundary check of each match). The list is drawn from jieba's dictionary among its rarer
   words (listed terms are rare in ordinary prose), plus three planted words that the article
   contains; the texts are jieba words drawn by their frequency, with punctuation, so a listed
   word also turns up inside and across ordinary words as it would in real text. Median of
   BENCH_MODERATION_ROUNDS rounds.
2. Lookup: BENCH_MODERATION_FINGERPRINTS (1,000,000) fingerprints in PostgreSQL
   (BENCH_MODERATION_PG_URL, a database of its own, created if missing, migrated, and reused
   when it already holds that many), in the moderation app's own tables
   (``moderation.Fingerprint``: one row per article with its 512-byte signature;
   ``moderation.FingerprintBand``: 16 band keys per fingerprint in a B-tree-indexed bigint
   column), as the migrations create them; only the foreign key from a fingerprint to its
   article is dropped, since the bench stores no articles. Most are random signatures; 200 are
   real texts and rewrites of them, so lookups find candidates. A lookup is the service
   itself, ``moderation.content.originality_lookup``: the query's band keys → candidates (one
   index scan per key) with their signatures in one query, then the slot-by-slot comparison.
   p95 over BENCH_MODERATION_LOOKUPS lookups.

Last line: ``moderation: scan N ms per article, originality lookup M ms p95``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.test")
PG_URL = os.environ.get(
    "BENCH_MODERATION_PG_URL", "postgres://postgres@127.0.0.1:5432/moderation_bench"
)
# The lookup runs the service against the bench database: Django's default database is it.
os.environ["DATABASE_URL"] = PG_URL

import django  # noqa: E402

django.setup()

import jieba  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402

from openhao.moderation import originality  # noqa: E402
from openhao.moderation.wordfilter import BLOCK, REPLACE, REVIEW, WordFilter  # noqa: E402

WORDS = int(os.environ.get("BENCH_MODERATION_WORDS", "10000"))
ROUNDS = int(os.environ.get("BENCH_MODERATION_ROUNDS", "200"))
FINGERPRINTS = int(os.environ.get("BENCH_MODERATION_FINGERPRINTS", "1000000"))
LOOKUPS = int(os.environ.get("BENCH_MODERATION_LOOKUPS", "500"))
PLANTED = ["代开发票", "刷单返利", "赌博网站"]
PUNCTUATION = "，，，。。！？、；"


def dictionary() -> list[tuple[str, int]]:
    path = Path(jieba.__file__).parent / "dict.txt"
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if len(word) >= 2:
            entries.append((word, int(freq)))
    return entries


def make_text(rng: random.Random, words, weights, length: int) -> str:
    out, size = [], 0
    while size < length:
        chunk = "".join(rng.choices(words, weights, k=rng.randint(4, 10)))
        chunk += rng.choice(PUNCTUATION)
        out.append(chunk)
        size += len(chunk)
    return "".join(out)[:length]


def bench_scan(rng: random.Random) -> tuple[float, float, int]:
    entries = dictionary()
    rare = [w for w, f in entries if f <= 20]
    listed = rng.sample(rare, WORDS - len(PLANTED)) + PLANTED
    actions = [rng.choice((BLOCK, REVIEW, REPLACE)) for _ in listed]
    t0 = time.perf_counter()
    word_filter = WordFilter(zip(listed, actions, strict=True), version="bench")
    build_ms = (time.perf_counter() - t0) * 1000
    words = [w for w, _f in entries]
    weights = [f for _w, f in entries]
    article = make_text(rng, words, weights, 5000 - 30)
    at = len(article) // 3
    article = article[:at] + "代.开.发.票，" + article[at:] + "刷单返利，賭博網站"
    article = article[:5000]
    comments = [make_text(rng, words, weights, 100) for _ in range(100)]
    word_filter.check(article)  # warm: jieba's dictionary, the tables
    hits = len(word_filter.scan(article))
    article_ms, comments_ms = [], []
    for _ in range(ROUNDS):
        t = time.perf_counter()
        word_filter.check(article)
        article_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for comment in comments:
            word_filter.check(comment)
        comments_ms.append((time.perf_counter() - t) * 1000)
    print(f"word list: {word_filter.size} words, automaton built in {build_ms:.0f} ms")
    print(f"article: {len(article)} characters, {hits} listed words found")
    return statistics.median(article_ms), statistics.median(comments_ms), hits


def ensure_database() -> None:
    admin, name = PG_URL.rsplit("/", 1)
    with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def real_texts(rng: random.Random, count: int) -> list[str]:
    entries = dictionary()
    words = [w for w, _f in entries]
    weights = [f for _w, f in entries]
    return [make_text(rng, words, weights, 1500) for _ in range(count)]


def rewrite(rng: random.Random, text: str) -> str:
    sentences = text.split("。")
    rng.shuffle(sentences)
    return "。".join(sentences)


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _drop_article_fk(conn) -> None:
    """The bench stores fingerprints without articles: drop that one foreign key."""
    rows = conn.execute(
        """SELECT c.conname FROM pg_constraint c JOIN pg_attribute a
           ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
           WHERE c.conrelid = 'moderation_fingerprint'::regclass AND c.contype = 'f'
           AND a.attname = 'article_id'"""
    ).fetchall()
    for (name,) in rows:
        conn.execute(f'ALTER TABLE moderation_fingerprint DROP CONSTRAINT "{name}"')


def _band_indexes(conn) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
        "'moderation_fingerprintband' AND indexname NOT LIKE '%_pkey'"
    ).fetchall()


def populate(conn, rng: random.Random) -> list[originality.Fingerprint]:
    """Fill the tables (once); returns the real fingerprints that lookups will query."""
    texts = real_texts(rng, 100)
    real = [originality.fingerprint(t) for t in texts]
    real += [originality.fingerprint(rewrite(rng, t)) for t in texts]
    have = conn.execute("SELECT count(*) FROM moderation_fingerprint").fetchone()[0]
    if have == FINGERPRINTS:
        print(f"fingerprints: {have} already stored, reused")
        return real
    print(f"fingerprints: storing {FINGERPRINTS} ...", flush=True)
    t0 = time.perf_counter()
    _drop_article_fk(conn)
    conn.execute("TRUNCATE moderation_fingerprint, moderation_fingerprintband")
    indexes = _band_indexes(conn)
    for name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    fks = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
        "'moderation_fingerprintband'::regclass AND contype = 'f'"
    ).fetchall()
    for name, _definition in fks:
        conn.execute(f'ALTER TABLE moderation_fingerprintband DROP CONSTRAINT "{name}"')
    np_rng = np.random.default_rng(13)
    batch = 50_000
    next_id = 1
    fp_cols = "COPY moderation_fingerprint (id, article_id, creator_id, signature, size, "
    fp_cols += "published_at, updated_at) FROM STDIN"
    band_cols = "COPY moderation_fingerprintband (key, fingerprint_id) FROM STDIN"
    stamp = "2026-01-01 00:00:00+00"
    with conn.cursor() as cur:
        with cur.copy(fp_cols) as copy:
            for i, fp in enumerate(real):
                copy.write_row((i + 1, i + 1, (i + 1) % 5000, fp.signature, fp.size, stamp, stamp))
        with cur.copy(band_cols) as copy:
            for i, fp in enumerate(real):
                for key in fp.keys:
                    copy.write_row((key, i + 1))
        next_id = len(real) + 1
        while next_id <= FINGERPRINTS:
            n = min(batch, FINGERPRINTS - next_id + 1)
            sigs = np_rng.integers(0, 2**32, size=(n, originality.NUM_PERM), dtype=np.uint32)
            with cur.copy(fp_cols) as copy:
                for i in range(n):
                    pk = next_id + i
                    copy.write_row((pk, pk, pk % 5000, sigs[i].tobytes(), 300, stamp, stamp))
            with cur.copy(band_cols) as copy:
                for i in range(n):
                    for key in originality.band_keys(sigs[i]):
                        copy.write_row((key, next_id + i))
            next_id += n
            print(f"  {next_id - 1}", flush=True)
    for _name, definition in indexes:
        conn.execute(definition)
    for name, definition in fks:
        conn.execute(
            f'ALTER TABLE moderation_fingerprintband ADD CONSTRAINT "{name}" {definition} NOT VALID'
        )
    conn.execute("SELECT setval(pg_get_serial_sequence('moderation_fingerprint', 'id'), %s)",
                 [FINGERPRINTS])  # fmt: skip
    conn.execute("ANALYZE moderation_fingerprint")
    conn.execute("ANALYZE moderation_fingerprintband")
    conn.commit()
    print(f"fingerprints: stored in {time.perf_counter() - t0:.0f} s")
    return real


def bench_lookup(rng: random.Random) -> tuple[float, float, int]:
    from django.db import connection

    from openhao.moderation import content

    ensure_database()
    _migrate()
    with psycopg.connect(PG_URL) as conn:
        real = populate(conn, rng)
    # Queries: the stored real texts (each finds itself and its rewrite) and fresh texts.
    fresh = [originality.fingerprint(t) for t in real_texts(random.Random(99), 50)]
    queries = real + fresh
    times, found = [], 0
    connection.ensure_connection()
    for i in range(LOOKUPS):
        fp = queries[i % len(queries)]
        t = time.perf_counter()
        match = content.originality_lookup(fp, creator_id=-1)
        times.append((time.perf_counter() - t) * 1000)
        found += match is not None
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return statistics.median(times), p95, found


def main() -> None:
    rng = random.Random(13)
    article_ms, comments_ms, _hits = bench_scan(rng)
    print(f"scan: {article_ms:.3f} ms median per 5,000-character article (target ≤ 1 ms)")
    print(f"scan: {comments_ms:.3f} ms median per 100 comments of 100 characters")
    sample = real_texts(random.Random(7), 20)
    originality.fingerprint(sample[0])  # warm: jieba's dictionary
    t = time.perf_counter()
    for text in sample:
        originality.fingerprint(text)
    fp_ms = (time.perf_counter() - t) * 1000 / len(sample)
    print(f"fingerprint: {fp_ms:.1f} ms per 1,500-character text (jieba + MinHash, at publish)")
    median, p95, found = bench_lookup(rng)
    print(
        f"lookup: {FINGERPRINTS} stored, {LOOKUPS} lookups, {found} with a match ≥ "
        f"{originality.THRESHOLD:.0%}, median {median:.2f} ms, p95 {p95:.2f} ms (target ≤ 20 ms)"
    )
    print(f"moderation: scan {article_ms:.2f} ms per article, originality lookup {p95:.1f} ms p95")


if __name__ == "__main__":
    main()
