"""Hooks: how a lower app lets the apps above it take part in its work without importing them.

The import rule (docs/architecture.md, ``common/tests/test_layering.py``) lets an app import only
the apps below it. When a lower app's write must start work in a higher one (a publish that
notifies followers, an index entry that search mirrors), the lower app runs a hook at that point
and the higher app connects its function in its ``AppConfig.ready()``: the dependency is declared
where it starts, and docs/architecture.md lists every hook with its listeners.

Unlike Django's signals, a hook is for business work: listeners run synchronously, in the order
they were connected, inside the caller's transaction, and an exception propagates to the caller
as a direct call's would. (Signals stay for cache invalidation, see docs/caching.md.)"""

from __future__ import annotations

from collections.abc import Callable


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._listeners: list[Callable[..., object]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._listeners)} listeners>"

    def connect(self, listener: Callable[..., object]) -> Callable[..., object]:
        """Add ``listener`` (once; connecting it again changes nothing)."""
        if listener not in self._listeners:
            self._listeners.append(listener)
        return listener

    @property
    def listeners(self) -> tuple[Callable[..., object], ...]:
        return tuple(self._listeners)

    def run(self, **kwargs) -> list[object]:
        """Call every listener with ``kwargs``; returns their results in order."""
        return [listener(**kwargs) for listener in self._listeners]


# common.views.personal: the per-visitor header data. Listeners get ``user`` (signed in) and
# return a dict merged into the answer (engagement: the unread notification count).
personal_context = Hook("common.personal_context")

# Before a write saves text that people wrote (comments, article titles/summaries/bodies,
# nicknames, mottos, creator names, application fields): common.content.content_check. Listeners
# get ``texts`` (field → text), ``html_fields`` (the fields holding HTML), ``kind`` ("comment",
# "article", "profile", "creator", "application"), ``user`` (the writer, may be None) and return
# a common.content.Verdict or None; they raise ValidationError to refuse the write.
# moderation: the sensitive-word lists and, for comments, the spam rules.
content_check = Hook("common.content_check")

# After such a write saved a held object: Verdict.saved(obj). Listeners get ``kind``, ``obj``,
# ``user`` and ``verdict``. moderation: one SpamFlag row per finding.
content_saved = Hook("common.content_saved")

# Moderation's answers (信用分, spam flags, reaction rings, the 原创 check), asked by campaigns
# (entry rules, scoring) and the creator index. Each listener answers for a batch; with no
# listener the answer is neutral (``moderation_*`` below): credit 100, nobody flagged, no
# violations, every 原创 article passes. Moderation connects its functions in its ready().
#
# user_ids -> {user_id: credit 0-100}; the lowest answer of all listeners counts.
user_credit = Hook("common.user_credit")
# user_ids -> set of the ids flagged by the spam rules or in a reaction ring (union).
accounts_flagged = Hook("common.accounts_flagged")
# article_ids -> set of the ids that fail the originality check (union).
originality_failed = Hook("common.originality_failed")
# (user_ids, since) -> {user_id: number of upheld violations since then} (sum).
user_violations = Hook("common.user_violations")

DEFAULT_CREDIT = 100


def moderation_credit(user_ids) -> dict[int, int]:
    ids = set(user_ids)
    credit = dict.fromkeys(ids, DEFAULT_CREDIT)
    for answer in user_credit.run(user_ids=ids):
        for uid, value in (answer or {}).items():
            if uid in credit:
                credit[uid] = min(credit[uid], int(value))
    return credit


def moderation_flagged(user_ids) -> set[int]:
    ids = set(user_ids)
    flagged: set[int] = set()
    if ids:
        for answer in accounts_flagged.run(user_ids=ids):
            flagged |= set(answer or ()) & ids
    return flagged


def moderation_originality_failed(article_ids) -> set[int]:
    ids = set(article_ids)
    failed: set[int] = set()
    if ids:
        for answer in originality_failed.run(article_ids=ids):
            failed |= set(answer or ()) & ids
    return failed


def moderation_violations(user_ids, since) -> dict[int, int]:
    ids = set(user_ids)
    counts = dict.fromkeys(ids, 0)
    for answer in user_violations.run(user_ids=ids, since=since):
        for uid, n in (answer or {}).items():
            if uid in counts:
                counts[uid] += int(n)
    return counts
