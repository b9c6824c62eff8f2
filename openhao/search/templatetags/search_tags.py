import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from openhao.common.text import normalize

register = template.Library()


@register.filter
def highlight(text: str, terms) -> str:
    """Escape ``text`` and wrap each occurrence of a query term in <mark>. Matching is on the
    normalised text (so a Traditional query marks Simplified text); normalisation keeps one
    character per character for CJK, and the original characters are what is shown."""
    text = text or ""
    if not terms:
        return escape(text)
    folded = normalize(text)
    if len(folded) != len(text):
        folded = text.lower()
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    # Adjacent matches become one mark: 世 + 预赛 is shown as one 世预赛.
    spans: list[list[int]] = []
    for m in pattern.finditer(folded):
        if spans and m.start() <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], m.end())
        else:
            spans.append([m.start(), m.end()])
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece is escaped)
