"""The hot score: a number stored once per engagement change that never needs recomputing as
time passes (see docs/ranking.md for the reasoning behind each constant).

    score = log10(1 + E) + (published_at - EPOCH) / DECAY_SECONDS
    E     = sum over engagement types of min(weight * count, cap)

Because the time term grows with the publish time, an article published DECAY_SECONDS later
needs ten times less engagement to rank equally; comparing two stored scores at any moment gives
the same order a decaying score would give, so nothing has to be recomputed on a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

# 2025-01-01 UTC: keeps the time term small so doubles keep plenty of precision.
EPOCH = datetime(2025, 1, 1, tzinfo=dt_timezone.utc)
# 12.5 hours per factor of ten in engagement.
DECAY_SECONDS = 45_000


@dataclass(frozen=True)
class Signal:
    weight: float
    cap: float  # the most this type can contribute to E, whatever its count


# A share or a comment costs the reader more than a like, a like more than a read. Each type's
# contribution is capped, so inflating one counter (a bot replaying reads or shares) can lift an
# article by at most log10 of that cap.
SIGNALS = {
    "view_count": Signal(weight=1.0, cap=100_000),
    "like_count": Signal(weight=4.0, cap=50_000),
    "comment_count": Signal(weight=8.0, cap=50_000),
    "share_count": Signal(weight=12.0, cap=50_000),
}


def engagement(counts: dict[str, int]) -> float:
    total = 0.0
    for name, signal in SIGNALS.items():
        count = max(0, int(counts.get(name) or 0))
        total += min(signal.weight * count, signal.cap)
    return total


def hot_score(*, published_at: datetime, counts: dict[str, int]) -> float:
    return math.log10(1.0 + engagement(counts)) + (
        (published_at - EPOCH).total_seconds() / DECAY_SECONDS
    )
