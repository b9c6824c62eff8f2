"""Text normalisation for the sensitive-word filter.

A listed word must be found however it is spelt: 敏感, 敏感 in Traditional (敏感 has no
Traditional form, but 賭博 → 赌博), full-width (ＶＸ → vx), upper case, or broken up with
separators (敏.感, 敏 感, 敏​感 with a zero-width space, 敏*感, 敏😀感). At the same time an
innocent sentence whose characters merely sit side by side must not be caught: 过敏。感冒 (a
sentence break), 春季过敏 感冒高发 (a space between two words), 牙刷单价 (刷单 across the
words 牙刷|单价).

The pipeline, in order (each step runs in C over the whole string, so a 5,000-character
article normalises in well under a millisecond):

1. Unicode NFKC: full-width letters, digits and punctuation become ASCII, compatibility
   ideographs become the unified ones.
2. Case folding.
3. Traditional → Simplified, one character at a time, with a table made once per process from
   OpenCC's own t2s conversion (OpenCC's phrase step is pure Python and 20× slower; for
   matching, a character table is what counts: words and texts go through the same table).
4. Separators between letters are removed:
   - *fillers* — zero-width and other format characters, symbols (emoji included) and the
     punctuation that Chinese prose never puts between two characters (. · * _ - / | ~ # ...)
     — are removed wherever they stand between two letters (not between two digits: 3.14,
     2024-01-01 stay as they are);
   - *spaces* are removed only inside a run of single letters (敏 感, 这 是 敏 感 词; for ASCII a
     run of at least three, f u c k, so "I am a cat" keeps its spaces), because a space
     between two words (春季过敏 感冒高发) is how titles are written;
   - sentence punctuation (，。！？；：、 quotes, brackets, dashes, ellipses) and line breaks are
     never removed: they are where a text really breaks.

Whether a match is a real word, and not two words that touch, is decided afterwards by
:func:`is_whole_word` (jieba over a small window around the match), so only the few matches pay
for segmentation.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

import jieba
from opencc import OpenCC

jieba.setLogLevel(logging.WARNING)

# Where a text really breaks, in ASCII and full-width forms (full-width punctuation is left
# as it is, see _fold_table).
_ASCII_BREAKS = ",;:!?()[]{}<>\"'"
SENTENCE_BREAKS = frozenset(
    _ASCII_BREAKS
    + "".join(chr(ord(c) + 0xFEE0) for c in _ASCII_BREAKS)
    + "。、“”‘’「」『』〈〉《》【】〔〕…—–‥"
    + "\n\r\u2028\u2029"
)
_WHITESPACE = " \t\f\v\u00a0\u3000"

# The code points looked at when tables and classes are built: the Basic Multilingual Plane,
# plus the astral blocks that matter here (mathematical and enclosed letters, CJK compatibility
# ideographs; emoji and tags are fillers).
_BMP = (0, 0xFFFF)
_ASTRAL_FOLDS = ((0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF), (0x2F800, 0x2FA1F))
_ASTRAL_FILLERS = ((0x1F000, 0x1FBFF), (0xE0000, 0xE0FFF))


def _code_points(*ranges):
    for lo, hi in ranges:
        for code in range(lo, hi + 1):
            if not 0xD800 <= code <= 0xDFFF:
                yield chr(code)


@cache
def _t2s_table() -> dict[str, str]:
    """{Traditional character: Simplified character} for every CJK ideograph that OpenCC's t2s
    changes."""
    chars = list(_code_points((0x3400, 0x4DBF), (0x4E00, 0x9FFF)))
    # Joined by line breaks so that OpenCC's phrase step never sees two characters together.
    converted = OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {c: s for c, s in zip(chars, converted, strict=True) if c != s and len(s) == 1}


@cache
def _fold_table() -> dict[str, str]:
    """{character: what it becomes} for steps 1 and 3 (the text is case-folded first).
    Full-width punctuation and the ideographic space stay as they are: they are breaks or
    fillers either way, and leaving them keeps ordinary Chinese text free of replacements."""
    t2s = _t2s_table()
    table = dict(t2s)
    for ch in _code_points(_BMP, *_ASTRAL_FOLDS):
        folded = unicodedata.normalize("NFKC", ch).casefold()
        if folded == ch or (len(folded) == 1 and folded.isascii() and not folded.isalnum()):
            continue
        table[ch] = "".join(t2s.get(c, c) for c in folded)
    return table


def _is_filler(ch: str) -> bool:
    if ch in SENTENCE_BREAKS or ch in _WHITESPACE or ch.isspace():
        return False
    category = unicodedata.category(ch)
    # Cf: zero-width spaces and joiners, soft hyphen, BOM; Mn/Me: combining strokes (敏̶感);
    # S*: symbols and emoji; P*: punctuation not listed as a break above.
    return category in ("Cf", "Mn", "Me", "Sk", "Sm", "Sc", "So") or category.startswith("P")


def _class(chars) -> str:
    """The inside of a regular-expression character class holding the given characters."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


class _Patterns:
    """The tables and compiled expressions, made once per process (about a second). Each
    expression starts with a character class, so the engine skips in C to the few places
    where it can match instead of trying every position; and the classes hold BMP ranges plus
    a few astral blocks only, which keeps them bitmaps."""

    def __init__(self) -> None:
        fillers = [c for c in _code_points(_BMP) if _is_filler(c)]
        fillers += _code_points(*_ASTRAL_FILLERS)
        self.filler_chars = frozenset(fillers)
        filler = _class(fillers)
        breaks = _class(SENTENCE_BREAKS)
        ws = "[" + _class(_WHITESPACE) + "]"
        letter = rf"[^\s{filler}{breaks}]"
        non_letter = rf"[\s{filler}{breaks}]"
        self.fold = _fold_table()
        # Text is case-folded first, so characters that case folding changes never reach here;
        # astral characters have an expression of their own, tried only when there are any
        # (a class mixing both planes is no bitmap, and ten times slower).
        bmp = [c for c in self.fold if ord(c) <= 0xFFFF and c.casefold() == c]
        self.folds = re.compile("[" + _class(bmp) + "]")
        self.astral = re.compile("[\U00010000-\U0010ffff]")
        self.astral_folds = re.compile("[" + _class(c for c in self.fold if ord(c) > 0xFFFF) + "]")
        self.fillers = re.compile(rf"[{filler}](?:{ws}|[{filler}])*")
        # A run of single letters separated by spaces, after a non-letter (the text gets a
        # leading space so that a run at its very start has one).
        self.singles = re.compile(rf"{non_letter}({letter}(?:{ws}+{letter})+)(?!{letter})")
        self.space = re.compile(ws)

    def fold_match(self, match: re.Match) -> str:
        return self.fold[match.group()]

    def is_letter(self, ch: str) -> bool:
        return not (ch.isspace() or ch in SENTENCE_BREAKS or ch in self.filler_chars)


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def _filler_spans(text: str, patterns: _Patterns) -> list[tuple[int, int]]:
    """Spans to delete: runs of fillers (with the spaces around them) between two letters that
    are not both digits."""
    spans = []
    for m in patterns.fillers.finditer(text):
        start, end = m.start(), m.end()
        while start > 0 and text[start - 1] in _WHITESPACE:
            start -= 1
        if start == 0 or end >= len(text):
            continue
        before, after = text[start - 1], text[end]
        if not (patterns.is_letter(before) and patterns.is_letter(after)):
            continue
        if before.isdigit() and after.isdigit():
            continue
        spans.append((start, end))
    return spans


def _single_spans(text: str, patterns: _Patterns) -> list[tuple[int, int]]:
    """Spaces to delete inside runs of single letters (敏 感; f u c k but not "I am a")."""
    spans: list[tuple[int, int]] = []
    if not patterns.space.search(text):
        return spans
    for m in patterns.singles.finditer(" " + text):
        run = m.group(1)
        if run.isascii() and len(run.split()) < 3:
            continue
        offset = m.start(1) - 1  # back to the unpadded text
        for space in re.finditer(r"\s+", run):
            spans.append((offset + space.start(), offset + space.end()))
    return spans


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def prepare(text: str) -> str:
    """Steps 1–3: NFKC, case folding, Traditional → Simplified. Only the characters that
    change go through Python; ordinary Simplified text passes untouched."""
    patterns = _patterns()
    text = patterns.folds.sub(patterns.fold_match, (text or "").casefold())
    if patterns.astral.search(text):
        text = patterns.astral_folds.sub(patterns.fold_match, text)
    return text


def has_astral(text: str) -> bool:
    """Whether text holds a character outside the Basic Multilingual Plane."""
    return _patterns().astral.search(text) is not None


def normalize(text: str) -> str:
    """The text the filter matches against (steps 1–4)."""
    patterns = _patterns()
    text = prepare(text)
    text = _cut(text, _filler_spans(text, patterns))
    return _cut(text, _single_spans(text, patterns))


def normalize_word(word: str) -> str:
    """A listed word as the filter stores it: prepared, with every separator dropped."""
    patterns = _patterns()
    return "".join(ch for ch in prepare(word) if patterns.is_letter(ch))


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """normalize(text) and, for each of its characters, the index of the original character it
    came from (to replace a match in the original text with ＊＊)."""
    patterns = _patterns()
    prepared = prepare(text)
    if len(prepared) == len(text):
        # Folding never shortens a character, so equal lengths mean one for one.
        origin = list(range(len(text)))
    else:
        pieces: list[str] = []
        origin = []
        for i, ch in enumerate(text):
            for out in ch.casefold():
                for folded in patterns.fold.get(out, out):
                    pieces.append(folded)
                    origin.append(i)
        prepared = "".join(pieces)
    for spans_of in (_filler_spans, _single_spans):
        spans = spans_of(prepared, patterns)
        prepared = _cut(prepared, spans)
        kept, pos = [], 0
        for start, end in spans:
            kept.extend(origin[pos:start])
            pos = end
        kept.extend(origin[pos:])
        origin = kept
    return prepared, origin


@cache
def _tokenizer() -> jieba.Tokenizer:
    # jieba's default dictionary, but an instance of our own: nothing moderation does changes
    # how search or ranking segment text.
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def char_frequencies() -> dict[str, int]:
    """How common each character is as a word of its own, from jieba's dictionary (the words
    are ordered by it when the automaton is built)."""
    return _tokenizer().FREQ


_WINDOW = 8
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _may_straddle(freq: dict[str, int], window: str, s: int, e: int) -> bool:
    """Whether jieba could cut window so that a token of two or more characters straddles an
    edge of the match window[s:e] without holding all of it. With HMM off a token of two or
    more characters is a dictionary word (a key of freq with a frequency) or a run of single
    ASCII letters and digits, so when no dictionary word of the window straddles an edge and
    no such run can, segmenting is not needed: the match stands. This is a necessary condition
    only (jieba may well not choose the word), so it never changes the answer, it only spares
    most matches the segmentation (figures in docs/moderation.md).

    Straddling: a word [k, j) with k < s < j < e (over the start) or s < k < e < j (over the
    end)."""
    n = len(window)
    if (s > 0 and window[s - 1] in _ENG and window[s] in _ENG) or (
        e < n and window[e - 1] in _ENG and window[e] in _ENG
    ):
        return True
    # jieba's dictionary holds every prefix of its words (with frequency 0), so a word from k
    # reaches past an edge only if the text from k to just past the edge is a key: one look-up
    # for most k.
    # Over the start: words from k < s ending strictly inside the match.
    for k in range(s):
        i = s + 1
        frag = window[k:i]
        while i < e and frag in freq:
            if freq[frag]:
                return True
            i += 1
            frag = window[k:i]
    # Over the end: words from s < k < e ending after it.
    for k in range(s + 1, e):
        i = e + 1
        frag = window[k:i]
        while i <= n and frag in freq:
            if freq[frag]:
                return True
            i += 1
            frag = window[k:i]
    return False


def is_whole_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] (a match in normalised text) stands as a word of its own, or
    inside a longer word, rather than across two words that merely touch.

    - ASCII: the match must not start in the middle of a word (sussex, class are not matches
      of sex, ass; sexy and fucking are).
    - Chinese: the window around the match is segmented by jieba (dictionary words only, no
      HMM guessing); the match is dropped when a word of two or more characters overlaps it
      partially (牙刷|单价 for 刷单, 过敏|感冒 for 敏感), kept when it is whole or inside a
      longer word (敏感词 for 敏感).
    """
    word = text[start:end]
    if word.isascii():
        return start == 0 or not (text[start - 1].isascii() and text[start - 1].isalnum())
    lo = max(0, start - _WINDOW)
    window = text[lo : min(len(text), end + _WINDOW)]
    s, e = start - lo, end - lo
    tokenizer = _tokenizer()
    if not _may_straddle(tokenizer.FREQ, window, s, e):
        return True
    pos = 0
    for token in tokenizer.lcut(window, HMM=False):
        t_start, t_end = pos, pos + len(token)
        pos = t_end
        if len(token) < 2 or t_end <= s or t_start >= e:
            continue
        inside = t_start <= s and t_end >= e
        if not inside and (t_start < s or t_end > e):
            return False
    return True
