"""信用分: a pure function of the append-only CreditEvent ledger, so the score shown on the
credit page, the one a threshold checks and the one a test computes with fixed times agree.

The rules, in order of the ledger (oldest first):

- The score starts at ``START`` (100) and never exceeds ``START``.
- A violation (an event with negative points) subtracts its points and restarts the recovery
  clock at its time.
- A refund (positive points: a granted appeal gives back what its action took) adds its points;
  it does not restart the clock (the violation it undoes is gone, the others still count).
- One point comes back per **full** day (24 h) since the recovery clock started, while the
  score is below ``START``; the part of a day not yet full carries over.

The severities and the thresholds are settings (``OPENHAO_CREDIT_SEVERITY_POINTS``,
``OPENHAO_CREDIT_THRESHOLDS``); ``RULES`` names what an action may cite."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

START = 100
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    severity: str  # a key of OPENHAO_CREDIT_SEVERITY_POINTS, or "" for no deduction


# What an action may cite. The label is shown to the author with the action.
RULES = {
    r.code: r
    for r in (
        Rule("illegal", _("发布违法违规信息"), "severe"),
        Rule("porn", _("发布色情低俗内容"), "heavy"),
        Rule("rumor", _("发布谣言或不实信息"), "heavy"),
        Rule("infringe", _("侵犯他人权益（著作权、肖像权等）"), "medium"),
        Rule("ad", _("广告营销、导流"), "medium"),
        Rule("abuse", _("人身攻击、辱骂他人"), "medium"),
        Rule("disorder", _("扰乱社区秩序（刷屏、灌水等）"), "light"),
        Rule("notice", _("提醒，不扣信用分"), ""),
    )
}


def rule_points(code: str) -> int:
    """The (negative) points a violation of ``code`` deducts; 0 for a rule without severity."""
    rule = RULES[code]
    if not rule.severity:
        return 0
    return -int(settings.OPENHAO_CREDIT_SEVERITY_POINTS[rule.severity])


def thresholds() -> dict[str, int]:
    return dict(settings.OPENHAO_CREDIT_THRESHOLDS)


def score(events: Iterable[tuple[datetime, int]], now: datetime) -> int:
    """The score at ``now`` from ``(created_at, points)`` pairs (any order)."""
    value = START
    clock: datetime | None = None
    for at, points in sorted(events, key=lambda e: e[0]):
        if at > now:
            break
        if clock is not None and value < START:
            days = (at - clock) // DAY
            value = min(START, value + days)
            clock += days * DAY
        value = min(START, value + points)
        if points < 0:
            clock = at
    if clock is not None and value < START:
        value = min(START, value + (now - clock) // DAY)
    return value


def allowed(score_value: int, right: str) -> bool:
    """Whether a score keeps ``right`` ("original", "campaigns", "publish"): a right is
    withdrawn below its threshold."""
    return score_value >= thresholds()[right]
