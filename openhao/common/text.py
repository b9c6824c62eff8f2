"""Chinese text helpers shared by ranking (keywords, related articles) and search.

Every text is normalised the same way before it is segmented or compared: Unicode NFKC
(full-width letters and digits become ASCII), Traditional → Simplified with OpenCC, lower case.
jieba loads its dictionary once per process (about a second, cached on disk by jieba)."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

import jieba
from opencc import OpenCC

jieba.setLogLevel(logging.WARNING)

# A "token" worth indexing: a run of CJK ideographs or of ASCII letters/digits.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[.'][a-z0-9]+)*")
CJK_RE = re.compile(rf"[{_CJK}]")
_TAG_RE = re.compile(r"<[^>]+>")

# Function words that carry no topic; single characters and common particles.
STOPWORDS = frozenset(
    "的 了 是 在 和 有 我 你 他 她 它 们 这 那 就 都 也 与 及 为 被 把 让 着 个 一个 "
    "不 没 吗 呢 啊 吧 呀 哦 后 说 到 要 会 能 还 又 很 对 从 而 或 等 之 其 但 却 "
    "给 向 于 以 将 并 已 得 地 "
    "么 什么 怎么 如何 为什么 这个 那个 这些 那些 哪些 一些 自己 我们 你们 他们 可以 因为 所以 "
    "如果 就是 还是 只是 已经 没有 不是 一下 一样 真的 竟然 居然 原来 其实 到底 究竟".split()
)


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC, Traditional → Simplified, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    if CJK_RE.search(text):
        text = _t2s().convert(text)
    return text.lower()


def html_to_text(html: str) -> str:
    return _TAG_RE.sub(" ", html or "")


def words(text: str) -> list[str]:
    """jieba's accurate-mode words of normalised text, without punctuation or stopwords."""
    return [
        w
        for w in jieba.lcut(text)
        if w not in STOPWORDS and TOKEN_RE.fullmatch(w) and not (len(w) == 1 and w.isascii())
    ]


def search_terms(text: str) -> list[str]:
    """jieba's search-mode segmentation (long words and their shorter parts) of normalised
    text, for full-text indexing and queries; punctuation and operators never survive."""
    out = []
    for w in jieba.cut_for_search(text):
        w = w.strip()
        if w and TOKEN_RE.fullmatch(w) and w not in STOPWORDS:
            out.append(w)
    return out


def char_runs(text: str) -> list[str]:
    """The CJK and ASCII-word runs of normalised text (punctuation and spaces dropped)."""
    return TOKEN_RE.findall(text)
