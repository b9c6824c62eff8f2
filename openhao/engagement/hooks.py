"""Points in the engagement services where the apps above engagement take part (common/hooks.py
says how hooks work; docs/architecture.md lists the listeners)."""

from __future__ import annotations

from typing import NamedTuple

from openhao.common.hooks import Hook


class Event(NamedTuple):
    """One change to an article's engagement. ``user_id`` is None when nobody is known (a
    share, reads counted per article). ``kind`` is read, like, comment or share, or
    ``read_by``: one of the reads already reported (as ``read``) was by ``user_id`` (the
    signed-in reader's reading history, flushed with the reads)."""

    article_id: int
    user_id: int | None
    kind: str
    delta: int


# Engagement was applied to articles' counters: a like set or taken back, a comment shown or
# hidden, a share, a flush of buffered reads. Listeners get ``events`` (a list of Event), run
# inside the writing transaction. campaigns: entry scores.
engagement_recorded = Hook("engagement.engagement_recorded")


def record(*events: Event) -> None:
    if engagement_recorded.listeners:
        engagement_recorded.run(events=list(events))
