"""jieba against rjieba on the project's indexing path: the same filters as
``common.text.words`` / ``search_terms`` applied to each segmenter's output for a normalised
5,000-character article. Prints tokens produced, agreement and time (docs/scripts.md).

Needs both ``jieba`` and ``rjieba`` importable: ``python bench/jieba_compare.py``."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter

import jieba
import rjieba
from opencc_compare import article

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


if __name__ == "__main__":
    main()
