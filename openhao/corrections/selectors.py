"""Reads of the change log (更正记录) and of readers' 纠错."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from openhao.articles.models import Article, ArticleChange

from .diff import Segment, html_diff, sentence_diff
from .models import Suggestion


@dataclass
class LogEntry:
    """One change as the log page shows it: a 更正 or 修改 with what changed from the version
    it replaced to the one after it (title, summary, body by sentence), or a label."""

    change: ArticleChange
    title_before: str = ""
    title_after: str = ""
    summary: list[Segment] = field(default_factory=list)
    body: list[Segment] = field(default_factory=list)

    @property
    def title_changed(self) -> bool:
        return self.title_before != self.title_after


@dataclass
class CorrectionsLog:
    article: Article
    entries: list[LogEntry]  # newest first

    @property
    def correction_count(self) -> int:
        return self.article.correction_count


def corrections_log(pk: int) -> CorrectionsLog:
    """The public change log of a public article (404 otherwise): every entry newest first,
    each edit compared with the version that followed it — the next entry's kept version, or
    the article as it is now. Two queries (article_change_idx for the entries)."""
    article = Article.objects.public().select_related("creator").filter(pk=pk).first()
    if article is None:
        raise Http404("article not found")
    changes = list(ArticleChange.objects.filter(article=article).order_by("at", "pk"))
    entries = []
    after = article
    for change in reversed(changes):
        if change.kind == ArticleChange.Kind.LABEL:
            entries.append(LogEntry(change))
            continue
        entries.append(
            LogEntry(
                change,
                title_before=change.title,
                title_after=after.title,
                summary=sentence_diff(change.summary, after.summary),
                body=html_diff(change.body_html, after.body_html),
            )
        )
        after = change
    return CorrectionsLog(article, entries)


def studio_suggestions(creator, *, status: str = Suggestion.Status.OPEN) -> QuerySet[Suggestion]:
    """The 纠错 on a creator's articles in one state, by article and newest first
    (suggestion_article_idx)."""
    return (
        Suggestion.objects.filter(article__creator=creator, status=status)
        .select_related("article", "user")
        .order_by("-article__published_at", "article_id", "-created_at")
    )


def studio_suggestion_counts(creator) -> dict[str, int]:
    """How many 纠错 on the creator's articles are in each state (tabs of the studio list)."""
    rows = (
        Suggestion.objects.filter(article__creator=creator)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(Suggestion.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def studio_suggestion_get(creator, pk: int | None, *, article: Article | None = None):
    """An open 纠错 on one of the creator's articles (on ``article`` when given), or None."""
    if not pk:
        return None
    found = Suggestion.objects.filter(
        pk=pk, article__creator=creator, status=Suggestion.Status.OPEN
    ).select_related("article")
    if article is not None:
        found = found.filter(article=article)
    return found.first()


def user_suggestions_export(user) -> list[dict]:
    """个人信息副本: the reader's own 纠错, with the article they were about."""
    return list(
        Suggestion.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values(
            "id",
            "article_id",
            "article__title",
            "passage",
            "text",
            "status",
            "created_at",
            "decided_at",
        )
    )
