"""The operators' queue (/manage/): everything waiting, from a registry of sources.

A source is one kind of waiting work (reports, applications, articles in 先审后发, appeals,
held comments, articles held by a review-word or the 原创 check). Each one brings a
``fetch(limit)`` that returns its first entries with the context they show, in a bounded
number of queries whatever the queue size, a ``count()``, the template that renders one
entry (it gets ``entry`` and ``source``) and the permission needed to see it.
``register_source`` adds one (call it from an ``AppConfig.ready`` or from this module);
registering a kind again replaces it, so a reload changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import selectors
from .permissions import DECIDE_APPEAL, REVIEW, has

# How many entries of each source the queue page shows (the rest: the source's own page).
PAGE_SIZE = 20


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    fetch: Callable[[int], list]
    count: Callable[[], int]
    template: str
    permission: str = REVIEW
    order: int = 100
    # Entries with checkboxes that the bulk form acts on (the reports' comments).
    bulk: bool = False


_SOURCES: dict[str, Source] = {}


def register_source(
    kind: str,
    label,
    fetch: Callable[[int], list],
    count: Callable[[], int],
    *,
    template: str,
    permission: str = REVIEW,
    order: int = 100,
    bulk: bool = False,
) -> Source:
    source = Source(kind, label, fetch, count, template, permission, order, bulk)
    _SOURCES[kind] = source
    return source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.kind))


def source_get(kind: str) -> Source | None:
    return _SOURCES.get(kind)


def sources_for(user) -> list[Source]:
    return [s for s in sources() if has(user, s.permission)]


@dataclass
class Section:
    source: Source
    count: int
    entries: list


def queue_for(user, *, kind: str | None = None, limit: int = PAGE_SIZE) -> list[Section]:
    """The sections the user may work on (one source when ``kind`` is given)."""
    chosen = [s for s in sources_for(user) if kind is None or s.kind == kind]
    return [Section(s, s.count(), s.fetch(limit)) for s in chosen]


def register_builtin_sources() -> None:
    register_source(
        "reports",
        _("举报"),
        lambda limit: selectors.report_groups(limit),
        selectors.open_report_count,
        template="moderation/queue/report_entry.html",
        order=10,
        bulk=True,
    )
    register_source(
        "appeals",
        _("申诉"),
        lambda limit: list(selectors.appeals_pending()[:limit]),
        lambda: selectors.appeals_pending().count(),
        template="moderation/queue/appeal_entry.html",
        permission=DECIDE_APPEAL,
        order=20,
    )
    register_source(
        "articles",
        _("先审后发文章"),
        lambda limit: list(selectors.articles_pending_review()[:limit]),
        lambda: selectors.articles_pending_review().count(),
        template="moderation/queue/article_entry.html",
        order=30,
    )
    register_source(
        "applications",
        _("入驻申请"),
        lambda limit: list(selectors.applications_pending()[:limit]),
        lambda: selectors.applications_pending().count(),
        template="moderation/queue/application_entry.html",
        order=40,
    )
    # The content checks' holds (content.py): comments waiting for review (先审后显, a
    # review-word, a spam rule) and articles sent to review by a review-word or the 原创 check.
    register_source(
        "held_comments",
        _("待审跟贴"),
        lambda limit: list(selectors.held_comments()[:limit]),
        selectors.held_comments_count,
        template="moderation/queue/held_comment_entry.html",
        order=25,
    )
    register_source(
        "held_articles",
        _("暂缓发布的文章"),
        lambda limit: list(selectors.held_articles()[:limit]),
        selectors.held_articles_count,
        template="moderation/queue/held_article_entry.html",
        order=35,
    )
