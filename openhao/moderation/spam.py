"""Spam heuristics: named rules, each a pure function over data the caller has read.

A rule never deletes anything: a comment or article that trips one is *held* for the queue
(shown to nobody but its author until an operator decides), and the reason names the rule. The
services read the data (an account's age, its recent comments, the comments of the last 48 hours
that link a domain, the reactions of the last 90 days) and call the rules; every threshold is a
parameter with a default here and an override in settings (``OPENHAO_MODERATION_SPAM_RULES``,
from the environment variable of that name as JSON, e.g. ``{"young_links": {"min_age_days":
7}}``; :func:`configured`), so tuning is configuration, not code.
docs/moderation.md describes each rule and its knobs.

The rules:

- ``young_links``: an account younger than ``min_age_days`` posts a link.
- ``repeated_text``: the same text (normalised: case, width, spacing) posted at least
  ``max_repeats`` times before by the account within ``window_hours``.
- ``domain_flood``: Forem's rule: more than ``limit`` comments linking one domain in
  ``window_hours`` (48); the next comment linking it is held. ``allowed_domains`` are exempt.
- ``reaction_ring``: Forem's rule: at least ``min_accounts`` accounts that each gave at least
  ``min_reactions`` reactions in ``window_days`` (90), at least ``min_share`` of them to the
  others' articles. Their reactions stop counting toward ranking (nothing is held).
- ``honeypot``: a sign-up form field hidden from people; a filled one means a robot.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings

from openhao.moderation import normalize

DEFAULTS: dict[str, dict] = {
    "young_links": {"enabled": True, "min_age_days": 3},
    "repeated_text": {"enabled": True, "max_repeats": 3, "window_hours": 24},
    "domain_flood": {
        "enabled": True,
        "limit": 10,
        "window_hours": 48,
        "allowed_domains": [],
    },
    "reaction_ring": {
        "enabled": True,
        "min_accounts": 3,
        "min_share": 0.8,
        "min_reactions": 50,
        "window_days": 90,
    },
    "honeypot": {"enabled": True, "field": "website"},
}

# Named for the queue and the author's notice (Chinese UI strings live with the views).
RULE_NAMES = tuple(DEFAULTS)


def config(overrides: Mapping[str, Mapping] | None = None) -> dict[str, dict]:
    """The defaults with overrides merged in per rule; an unknown rule or knob is an error
    (a typo in the environment must not silently leave a rule at its default)."""
    merged = {name: dict(params) for name, params in DEFAULTS.items()}
    for name, params in (overrides or {}).items():
        if name not in merged:
            raise ValueError(f"unknown spam rule {name!r}")
        unknown = set(params) - set(merged[name])
        if unknown:
            raise ValueError(f"unknown knobs for {name}: {sorted(unknown)}")
        merged[name].update(params)
    return merged


def configured() -> dict[str, dict]:
    """The rules as the settings tune them."""
    return config(json.loads(settings.OPENHAO_MODERATION_SPAM_RULES or "{}"))


@dataclass(frozen=True)
class Finding:
    rule: str
    detail: str  # for the operator: what was seen, in numbers


_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。）)]+", re.IGNORECASE)
_BARE_DOMAIN_RE = re.compile(
    r"\b((?:[a-z0-9-]+\.)+(?:com|net|org|cn|io|cc|xyz|top|me|info|vip|shop|site))\b",
    re.IGNORECASE,
)


def domains(text: str) -> set[str]:
    """The domains a text links (URLs and bare domains), lower case, without www."""
    found = set()
    for url in _URL_RE.findall(text or ""):
        host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
        if host:
            found.add(host)
    for host in _BARE_DOMAIN_RE.findall(text or ""):
        found.add(host.lower())
    return {h[4:] if h.startswith("www.") else h for h in found}


def young_links(
    *, text: str, joined_at: datetime, now: datetime, min_age_days: int, **_
) -> Finding | None:
    age = now - joined_at
    if age < timedelta(days=min_age_days) and domains(text):
        return Finding("young_links", f"账号注册 {age.days} 天，内容含链接")
    return None


def comparable(text: str) -> str:
    """Texts that differ only in case, width or spacing count as the same."""
    return "".join(normalize.normalize(text).split())


def repeated_text(
    *, text: str, recent_texts: Iterable[str], max_repeats: int, **_
) -> Finding | None:
    key = comparable(text)
    if not key:
        return None
    repeats = sum(1 for t in recent_texts if comparable(t) == key)
    if repeats >= max_repeats:
        return Finding("repeated_text", f"相同内容已发布 {repeats} 次")
    return None


def domain_flood(
    *,
    text: str,
    domain_counts: Mapping[str, int],
    limit: int,
    allowed_domains: Iterable[str] = (),
    **_,
) -> Finding | None:
    allowed = set(allowed_domains)
    for domain in sorted(domains(text) - allowed):
        if domain_counts.get(domain, 0) >= limit:
            count = domain_counts[domain]
            return Finding("domain_flood", f"{domain} 近期已出现在 {count} 条评论中")
    return None


def reaction_rings(
    reactions: Iterable[tuple[int, int]],
    *,
    min_accounts: int,
    min_share: float,
    min_reactions: int,
    **_,
) -> list[frozenset[int]]:
    """Groups of accounts that like each other's work: each member gave at least min_reactions
    reactions (pairs of giver, author; self-reactions are ignored) and at least min_share of
    them to the other members. Found by peeling: start from every active giver who is also an
    author, drop whoever gives too little to the rest, repeat until nobody drops, then split
    what is left into connected groups and peel each again."""
    given: dict[int, Counter] = defaultdict(Counter)
    for giver, author in reactions:
        if giver != author:
            given[giver][author] += 1
    totals = {g: sum(c.values()) for g, c in given.items()}
    authors = {a for c in given.values() for a in c}
    candidates = {g for g, total in totals.items() if total >= min_reactions and g in authors}

    def peel(members: set[int]) -> set[int]:
        changed = True
        while changed:
            changed = False
            for g in list(members):
                inside = sum(n for a, n in given[g].items() if a in members and a != g)
                if inside < min_share * totals[g]:
                    members.discard(g)
                    changed = True
        return members

    rings: list[frozenset[int]] = []
    pending = [peel(set(candidates))]
    while pending:
        members = pending.pop()
        if len(members) < min_accounts:
            continue
        # Connected groups over "gave to" edges inside members.
        seen: set[int] = set()
        groups = []
        for start in sorted(members):
            if start in seen:
                continue
            group, stack = set(), [start]
            while stack:
                g = stack.pop()
                if g in group:
                    continue
                group.add(g)
                neighbours = {a for a in given[g] if a in members}
                neighbours |= {o for o in members if g in given[o]}
                stack.extend(neighbours - group)
            seen |= group
            groups.append(group)
        if len(groups) == 1:
            rings.append(frozenset(groups[0]))
        else:
            pending.extend(peel(group) for group in groups)
    return sorted(rings, key=lambda ring: sorted(ring))


def honeypot(*, data: Mapping[str, str], field: str, **_) -> Finding | None:
    if (data.get(field) or "").strip():
        return Finding("honeypot", "注册表单的隐藏字段被填写")
    return None


def check_post(
    *,
    text: str,
    joined_at: datetime,
    now: datetime,
    recent_texts: Iterable[str],
    domain_counts: Mapping[str, int],
    rules: Mapping[str, Mapping] | None = None,
) -> list[Finding]:
    """Every post rule that holds this text (young_links, repeated_text, domain_flood)."""
    rules = rules or configured()
    findings = []
    checks = (
        ("young_links", young_links, {"joined_at": joined_at, "now": now}),
        ("repeated_text", repeated_text, {"recent_texts": list(recent_texts)}),
        ("domain_flood", domain_flood, {"domain_counts": domain_counts}),
    )
    for name, rule, data in checks:
        params = rules[name]
        if not params.get("enabled", True):
            continue
        finding = rule(text=text, **data, **params)
        if finding is not None:
            findings.append(finding)
    return findings
