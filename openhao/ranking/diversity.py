"""Author diversity: at most ``PER_CREATOR`` items by one creator in any ranked list (热点推荐,
要闻, the 推荐 feed, 相关推荐), so that one prolific creator cannot fill a list on their own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

PER_CREATOR = 2


class CreatorCap:
    """The items of one list per creator, counted as the list is filled."""

    def __init__(self, taken: Iterable[int] = ()):
        """``taken``: the creators of items already in the list (pinned stories, say)."""
        self._taken = Counter(taken)

    def admit(self, creator_id: int) -> bool:
        """True, and counted, while the creator has fewer than ``PER_CREATOR`` items."""
        if self._taken[creator_id] >= PER_CREATOR:
            return False
        self._taken[creator_id] += 1
        return True
