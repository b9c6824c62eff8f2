"""The sensitive-word (敏感词) filter: an Aho-Corasick automaton over normalised words.

Each listed word carries an action:

- ``block``: the write is refused with :data:`BLOCK_MESSAGE`, which names no word (naming it
  would teach the way round the list);
- ``review``: the write goes through but the content is held for the queue;
- ``replace``: the word is shown as ＊＊.

Texts and words are normalised the same way (:mod:`openhao.moderation.normalize`), so one
listed word catches its Traditional, full-width, upper-case and broken-up spellings; a match
only counts where it stands as a word (:func:`normalize.is_whole_word`).

The automaton sees UTF-16 bytes (each spelt as one Latin-1 character), not characters.
pyahocorasick finds a node's child by a linear search, and the root of a Chinese word list has
thousands of children (one per first character): 10,000 words scanned a 5,000-character article
in 230 ms. Byte by byte a node has at most 256 children and in practice a few dozen (CJK high
bytes span 0x4E–0x9F), and the same scan takes about a millisecond on a loaded machine (hex
digits, 16 children at most, were 2–3 times slower: twice the steps). A match counts only where
it ends on a character's boundary (every second byte; keys are whole characters, so it then
starts on one too).

One automaton (pyahocorasick, C) is built per version of the list and shared by every thread
of the process: :func:`shared_filter` rebuilds it only when the version it is given changes
(the list's version lives in the database and the cache; see the services).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import ahocorasick
from django.utils.translation import gettext_lazy as _

from openhao.moderation import normalize

BLOCK = "block"
REVIEW = "review"
REPLACE = "replace"
ACTIONS = (BLOCK, REVIEW, REPLACE)
# The most severe action of a text's matches decides what happens to it.
_SEVERITY = {REPLACE: 1, REVIEW: 2, BLOCK: 3}
MASK = "＊＊"

BLOCK_MESSAGE = _("内容包含不允许发布的词语，请修改后再提交。")


@dataclass(frozen=True)
class Hit:
    word: str  # the listed word, normalised
    action: str
    start: int  # in the normalised text
    end: int


@dataclass(frozen=True)
class Verdict:
    action: str | None  # the most severe action among the hits, or None
    hits: tuple[Hit, ...] = ()
    # The text with replace-words masked (unchanged when nothing to mask, or when blocked).
    text: str = ""
    words: tuple[str, ...] = field(default=())

    @property
    def blocked(self) -> bool:
        return self.action == BLOCK

    @property
    def held(self) -> bool:
        return self.action == REVIEW


def _bytes(text: str) -> str:
    return text.encode("utf-16-be").decode("latin-1")


def _unit_to_index(text: str) -> list[int | None] | None:
    """UTF-16 code unit → character index, or None when they are the same (no astral
    character, the usual case)."""
    if not normalize.has_astral(text):
        return None
    units: list[int | None] = []
    for i, ch in enumerate(text):
        units.append(i)
        if ord(ch) > 0xFFFF:
            units.append(None)
    units.append(len(text))
    return units


class WordFilter:
    """An immutable automaton over (word, action) pairs. A word listed twice keeps its most
    severe action; words that normalise to nothing are skipped."""

    def __init__(self, entries: Iterable[tuple[str, str]], version: str = "") -> None:
        self.version = version
        words: dict[str, str] = {}
        for word, action in entries:
            if action not in _SEVERITY:
                raise ValueError(f"unknown action {action!r}")
            key = normalize.normalize_word(word)
            if key and _SEVERITY[action] > _SEVERITY.get(words.get(key, ""), 0):
                words[key] = action
        self.size = len(words)
        self._automaton = ahocorasick.Automaton() if words else None
        if self._automaton is not None:
            # pyahocorasick finds a child by a linear search over a node's children in the
            # order they were added: words whose first characters are common in prose go in
            # first, so the walk mostly finds its byte near the front (a sixth off the walk).
            common = normalize.char_frequencies()
            for key in sorted(words, key=lambda k: (-common.get(k[0], 0), k)):
                self._automaton.add_word(_bytes(key), (key, words[key]))
            self._automaton.make_automaton()

    def _hits(self, normalised: str) -> list[Hit]:
        if self._automaton is None or not normalised:
            return []
        hits = []
        units = _unit_to_index(normalised)
        for end_byte, (key, action) in self._automaton.iter(_bytes(normalised)):
            if (end_byte + 1) % 2:
                continue  # ends inside a character
            end_unit = (end_byte + 1) // 2
            start_unit = end_unit - len(key.encode("utf-16-be")) // 2
            if units is None:
                start, end = start_unit, end_unit
            else:
                start, end = units[start_unit], units[end_unit]
                if start is None or end is None:
                    continue  # inside a surrogate pair
            if normalize.is_whole_word(normalised, start, end):
                hits.append(Hit(key, action, start, end))
        return hits

    def scan(self, text: str) -> list[Hit]:
        """The listed words found in text (positions in the normalised text)."""
        return self._hits(normalize.normalize(text))

    def check(self, text: str) -> Verdict:
        """What to do with text: its most severe action and the text with replace-words masked.
        One scan: when a replace-word is among the hits, the hits are mapped back to the
        original text instead of scanning again."""
        normalised = normalize.normalize(text)
        hits = self._hits(normalised)
        if not hits:
            return Verdict(None, (), text)
        action = max((h.action for h in hits), key=_SEVERITY.__getitem__)
        masked = text
        # A blocked text is refused, never stored: no mask to make (saves the mapped
        # normalisation, a third of a blocked article's scan).
        if action != BLOCK and any(h.action == REPLACE for h in hits):
            mapped, origin = normalize.normalize_with_map(text)
            # The two paths agree (a test says so); scanning again is only the fallback.
            masked = _mask(text, origin, hits) if mapped == normalised else self.mask(text)
        words = tuple(dict.fromkeys(h.word for h in hits))
        return Verdict(action, tuple(hits), masked, words)

    def mask(self, text: str) -> str:
        """text with each replace-word's original spelling (separators included) as ＊＊."""
        normalised, origin = normalize.normalize_with_map(text)
        return _mask(text, origin, self._hits(normalised))


def _mask(text: str, origin: list[int], hits: list[Hit]) -> str:
    spans = sorted((origin[h.start], origin[h.end - 1] + 1) for h in hits if h.action == REPLACE)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(text[pos:start])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)


_lock = threading.Lock()
_current: WordFilter | None = None


def shared_filter(version: str, load: Callable[[], Iterable[tuple[str, str]]]) -> WordFilter:
    """The process's automaton for this version of the list; load() is called (and the
    automaton built) only when the version differs from the one built last."""
    global _current
    current = _current
    if current is not None and current.version == version:
        return current
    with _lock:
        if _current is None or _current.version != version:
            _current = WordFilter(load(), version=version)
        return _current


def reset_shared_filter() -> None:
    """Forget the process's automaton (tests)."""
    global _current
    with _lock:
        _current = None
