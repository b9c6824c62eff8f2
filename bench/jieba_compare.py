"""jieba against rjieba on the project's indexing path: the same filters as
``common.text.words`` / ``search_terms`` applied to each segmenter's output for a normalised
5,000-character article, then over a labelled title file (``DATA``, category<TAB>title, the
NLPCC headlines by default) and a few mixed-script phrases. Prints tokens produced, agreement
and time (docs/scripts.md).

Needs both ``jieba`` and ``rjieba`` importable: ``python bench/jieba_compare.py``."""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import jieba
import rjieba
from opencc_compare import article

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from openhao.common.text import normalize  # noqa: E402

jieba.setLogLevel(logging.WARNING)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[.'][a-z0-9]+)*")


def keep(tokens) -> list[str]:
    return [w for w in (t.strip() for t in tokens) if w and TOKEN_RE.fullmatch(w)]


def timed(fn, text: str, runs: int = 20) -> tuple[list[str], float]:
    fn(text)  # dictionary load outside the timing
    started = time.perf_counter()
    for _ in range(runs):
        out = keep(fn(text))
    return out, (time.perf_counter() - started) * 1000 / runs


def main() -> None:
    text = article()
    for mode, a, b in (
        ("accurate (words)", jieba.lcut, rjieba.cut),
        ("search (search_terms)", lambda t: list(jieba.cut_for_search(t)), rjieba.cut_for_search),
    ):
        ja, ja_ms = timed(a, text)
        rj, rj_ms = timed(b, text)
        common = sum((Counter(ja) & Counter(rj)).values())
        print(
            f"{mode:22} jieba {len(ja)} tokens {ja_ms:.2f} ms | rjieba {len(rj)} tokens "
            f"{rj_ms:.2f} ms | tokens in common {common} ({common / max(len(ja), 1):.1%} of "
            f"jieba's) | same list: {ja == rj}"
        )


MODES = (
    ("accurate", jieba.lcut, rjieba.cut),
    ("search", lambda t: list(jieba.cut_for_search(t)), rjieba.cut_for_search),
)
MIXED = ["covid-19疫情", "www.example.com网站", "hand-written笔记", "a_b测试", "3.5亿元", "c#语言"]


def titles() -> None:
    nlpcc = Path("shared/data/nlpcc2017-headlines/headlines.tsv")
    here = Path(__file__).resolve().parent
    found = next((p / nlpcc for p in here.parents if (p / nlpcc).exists()), nlpcc)
    path = Path(os.environ.get("DATA") or found)
    texts = [normalize(line.rstrip("\n").split("\t")[-1]) for line in path.open(encoding="utf-8")]
    for mode, a, b in MODES:
        a(texts[0]), b(texts[0])
        started = time.perf_counter()
        ja = [keep(a(t)) for t in texts]
        ja_s = time.perf_counter() - started
        started = time.perf_counter()
        rj = [keep(b(t)) for t in texts]
        rj_s = time.perf_counter() - started
        differ = sum(x != y for x, y in zip(ja, rj, strict=True))
        print(
            f"{mode:8} {len(texts)} titles, {sum(map(len, ja))} tokens: jieba {ja_s:.2f} s, "
            f"rjieba {rj_s:.2f} s ({ja_s / rj_s:.1f}x); titles whose kept tokens differ: {differ}"
        )
    for phrase in MIXED:
        text = normalize(phrase)
        for mode, a, b in MODES:
            ja, rj = keep(a(text)), keep(b(text))
            if ja != rj:
                print(f"  differs ({mode}): {phrase}: jieba {ja} | rjieba {rj}")


if __name__ == "__main__":
    main()
    titles()
