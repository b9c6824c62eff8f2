"""The check every write of user text runs before it saves (``content_check``): the apps above
(moderation: 敏感词 lists, spam rules) answer through the ``common.hooks.content_check`` hook, so
the writing app needs no import of them.

A listener raises ValidationError to refuse the write (a block-word: the message names no
word), or answers a :class:`Verdict`: the texts to store (replace-words masked as ＊＊), whether
the content is *held* (saved but shown to nobody but its writer until someone approves it) and
the findings that held it (rule, evidence) for the operators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import hooks


@dataclass
class Verdict:
    texts: dict[str, str]
    held: bool = False
    findings: list[tuple[str, str]] = field(default_factory=list)  # (rule, evidence)
    kind: str = ""
    user: object = None

    def merge(self, other: Verdict | None) -> None:
        if other is None:
            return
        self.texts.update(other.texts)
        self.held = self.held or other.held
        self.findings.extend(other.findings)

    def saved(self, obj) -> None:
        """Tell the listeners which object the checked texts were saved as (when something was
        found): moderation records the findings against it."""
        if self.findings:
            hooks.content_saved.run(kind=self.kind, obj=obj, user=self.user, verdict=self)


def content_check(
    *,
    texts: Mapping[str, str],
    kind: str,
    user=None,
    html_fields: Iterable[str] = (),
) -> Verdict:
    """Run the checks over ``texts`` (field → text; empty ones are skipped). Raises
    ValidationError when a listener refuses the write; the Verdict's texts are what to store."""
    verdict = Verdict(texts=dict(texts), kind=kind, user=user)
    present = {k: v for k, v in verdict.texts.items() if v}
    if not present:
        return verdict
    html = tuple(f for f in html_fields if f in present)
    for answer in hooks.content_check.run(texts=present, html_fields=html, kind=kind, user=user):
        verdict.merge(answer)
    return verdict
