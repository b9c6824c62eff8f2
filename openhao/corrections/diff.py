"""The readable diff of the change log: texts compared sentence by sentence.

A body is turned into plain text with a line break after every block (paragraph, heading,
list item, quote, caption, ``<br>``), then cut into sentences after 。！？； (and their
full-width or ASCII cousins, with a closing quote or bracket kept on the sentence) and at
every line break. Sentences are the unit a reader checks a correction by: a character diff of
Chinese text is noise, a paragraph diff hides the one word that changed. ``difflib`` finds the
longest matching runs; what is between them is deleted or inserted, whole sentences each."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import unescape

_BLOCK_END_RE = re.compile(
    r"<br\s*/?>|</(?:p|h[1-6]|li|blockquote|figcaption|figure|div|pre|tr)>", re.IGNORECASE
)
_TAG_RE = re.compile(r"<[^>]+>")
_SPACES_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
# A sentence: anything up to and including its end marks and the quotes that close it; the
# last piece of a line may have no end mark.
_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)\"']*)?|[。！？；!?;]+")

# Unchanged sentences shown around a change; longer unchanged runs are folded.
CONTEXT = 1


def html_to_lines(html: str) -> str:
    """Plain text of a (sanitised) body, one line per block."""
    text = _BLOCK_END_RE.sub("\n", html or "")
    text = unescape(_TAG_RE.sub("", text))
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order: cut after 。！？；(and !?;) and at line breaks."""
    out = []
    for line in text.split("\n"):
        for match in _SENTENCE_RE.finditer(line):
            sentence = match.group().strip()
            if sentence:
                out.append(sentence)
    return out


@dataclass(frozen=True)
class Segment:
    """One row of a diff: ``op`` is "equal", "delete", "insert" or "skip" (``count`` unchanged
    sentences folded away)."""

    op: str
    text: str = ""
    count: int = 0


def sentence_diff(old: str, new: str, *, context: int = CONTEXT) -> list[Segment]:
    """The diff of two plain texts by sentence, unchanged runs folded to ``context`` sentences
    on each side of a change. Equal texts give []."""
    a, b = sentences(old), sentences(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments: list[Segment] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            run = a[i1:i2]
            head = context if index > 0 else 0
            tail = context if index < len(opcodes) - 1 else 0
            # Folding one sentence would hide it behind a line as long as itself.
            if len(run) > head + tail + 1:
                segments += [Segment("equal", s) for s in run[:head]]
                segments.append(Segment("skip", count=len(run) - head - tail))
                segments += [Segment("equal", s) for s in run[len(run) - tail :]]
            else:
                segments += [Segment("equal", s) for s in run]
            continue
        segments += [Segment("delete", s) for s in a[i1:i2]]
        segments += [Segment("insert", s) for s in b[j1:j2]]
    if all(s.op in ("equal", "skip") for s in segments):
        return []
    return segments


def html_diff(old_html: str, new_html: str) -> list[Segment]:
    """``sentence_diff`` of two article bodies."""
    return sentence_diff(html_to_lines(old_html), html_to_lines(new_html))
