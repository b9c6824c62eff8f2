"""Writes to articles. Each function is one transaction and keeps the denormalised counters
(creator.article_count) in step."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import PROTECT, F
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.accounts import hooks as account_hooks
from openhao.common.content import content_check
from openhao.common.images import validate_image_upload
from openhao.creators.models import Creator

from . import hooks
from .models import (
    Article,
    ArticleAutosave,
    ArticleChange,
    ArticleImage,
    ArticleRevision,
    Channel,
    ModerationLabel,
    Reference,
    Topic,
)
from .sanitize import sanitize_body
from .validators import validate_topic_name

SUMMARY_LENGTH = 120
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class ReferenceData:
    title: str
    source: str = ""
    url: str = ""


def summary_from_html(html: str, length: int = SUMMARY_LENGTH) -> str:
    text = _SPACE_RE.sub(" ", unescape(_TAG_RE.sub(" ", html))).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def topics_get_or_create(names: Iterable[str]) -> list[Topic]:
    """The topics of these names, created when new; ValidationError for a name that no URL
    can carry (validators.validate_topic_name)."""
    return [Topic.objects.get_or_create(name=name)[0] for name in topic_names_clean(names)]


def topic_names_clean(names: Iterable[str]) -> list[str]:
    """Hashtag names as stored: without the # marks and spaces around them, empty ones left
    out; ValidationError for a name that no URL can carry."""
    cleaned = []
    for raw in names:
        name = raw.strip().strip("#").strip()
        if name:
            validate_topic_name(name)
            cleaned.append(name)
    return cleaned


def _write_check(creator: Creator, is_original: bool) -> None:
    """accounts.hooks.write_check for a draft saved by ``creator`` (ValidationError refuses)."""
    account_hooks.write_check.run(user=creator.user, what="article")
    if is_original:
        account_hooks.write_check.run(user=creator.user, what="original")


@transaction.atomic
def article_create(
    *,
    creator: Creator,
    channel: Channel,
    title: str,
    body_html: str,
    summary: str = "",
    is_original: bool = False,
    topic_names: Sequence[str] = (),
    references: Sequence[ReferenceData] = (),
    cover="",
    cover_alt: str = "",
) -> Article:
    """Create a draft. Publishing is a separate step (``article_publish``)."""
    _write_check(creator, is_original)
    body_html = sanitize_body(body_html)
    title, summary, body_html = _texts_checked(creator, title, summary, body_html)
    article = Article(
        creator=creator,
        channel=channel,
        title=title,
        summary=summary or summary_from_html(body_html),
        body_html=body_html,
        is_original=is_original,
        cover=cover,
        cover_alt=cover_alt,
        status=Article.Status.DRAFT,
    )
    article.save()
    if topic_names:
        article.topics.set(topics_get_or_create(topic_names))
    Reference.objects.bulk_create(
        Reference(article=article, title=r.title, source=r.source, url=r.url, order=i)
        for i, r in enumerate(references)
    )
    return article


@transaction.atomic
def article_publish(*, article: Article, at: datetime | None = None) -> Article:
    """Make an article public. Idempotent: publishing a published article changes nothing."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.PUBLISHED:
        return article
    now = timezone.now()
    if at is not None and at > now:
        # Public means published, whatever the time (models.public_q): later is a schedule.
        raise ValueError("a future publishing time is a schedule: use article_submit(at=...)")
    article.status = Article.Status.PUBLISHED
    article.published_at = at or now
    article.save(update_fields=["status", "published_at", "updated_at"])
    if article.is_public:
        _article_count_add(article.creator_id, +1)
    hooks.article_published.run(article_id=article.pk)
    _article_discovery_changed(article)
    return article


@transaction.atomic
def article_remove(*, article: Article) -> Article:
    """Take an article down (soft delete): its URL answers 404 from now on."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.REMOVED:
        return article
    was_public = article.is_public
    article.status = Article.Status.REMOVED
    article.save(update_fields=["status", "updated_at"])
    if was_public:
        _article_count_add(article.creator_id, -1)
    _article_discovery_changed(article)
    return article


@transaction.atomic
def article_reinstate(*, article: Article, status: str) -> Article:
    """Undo a takedown (``article_remove``): the article gets back the status it had (a
    published one is public again at its URL and time, counted again). An article that is no
    longer removed is left as it is."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != Article.Status.REMOVED or status == Article.Status.REMOVED:
        return article
    if status == Article.Status.PUBLISHED and article.published_at is not None:
        return article_publish(article=article, at=article.published_at)
    article.status = status if status in Article.Status.values else Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def article_label_set(*, article: Article, label: str, url: str = "") -> Article:
    """The operators' 谣言 / 存在争议 label (``ModerationLabel``, "" to clear) with a link to the
    correction or 辟谣 article; shown on the article page (the save bumps its cache tag)."""
    if label and label not in ModerationLabel.values:
        raise ValidationError(_("未知的标注。"))
    article = Article.objects.select_for_update().get(pk=article.pk)
    url = url if label else ""
    if (label, url) == (article.moderation_label, article.moderation_label_url):
        return article
    had_label = bool(article.moderation_label)
    article.moderation_label = label
    article.moderation_label_url = url
    article.save(update_fields=["moderation_label", "moderation_label_url", "updated_at"])
    # The public change log shows labels beside corrections; removing no label is no event.
    if label or had_label:
        ArticleChange.objects.create(
            article=article,
            kind=ArticleChange.Kind.LABEL,
            at=timezone.now(),
            label=label,
            label_url=url,
        )
    _article_discovery_changed(article)
    return article


def _article_discovery_changed(article: Article) -> None:
    """Keep ranking (hot score, related lists) and search in step with a status change."""
    hooks.article_changed.run(article_id=article.pk)


def _article_count_add(creator_id: int, delta: int) -> None:
    """The one place ``Creator.article_count`` (its public articles) moves: +1 when an article
    becomes public, -1 when it stops being public, never below zero."""
    creators = Creator.objects.filter(pk=creator_id)
    if delta < 0:
        creators = creators.filter(article_count__gte=-delta)
    creators.update(article_count=F("article_count") + delta)


def creator_recount_articles(*, creator: Creator) -> int:
    """Recompute article_count from the table (repairs drift after bulk loads)."""
    count = Article.objects.public().filter(creator=creator).count()
    Creator.objects.filter(pk=creator.pk).update(article_count=count)
    return count


# --- Studio: editing, review, scheduling ---------------------------------------------------

TITLE_MIN, TITLE_MAX = 5, 64
_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT_RE = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)


def body_text_length(html: str) -> int:
    return len(_SPACE_RE.sub("", unescape(_TAG_RE.sub("", html))))


def validate_body_length(html: str) -> None:
    """The body's length rule, in characters of text (``OPENHAO_BODY_MIN_CHARS`` to
    ``OPENHAO_BODY_MAX_CHARS``): the editor's form and ``article_publish_problems`` both ask
    here. Raises ValidationError with the message for the creator."""
    length = body_text_length(html)
    if length < settings.OPENHAO_BODY_MIN_CHARS:
        raise ValidationError(
            _("正文至少 %(min)d 个字（现在 %(n)d 个）。"),
            code="body_too_short",
            params={"min": settings.OPENHAO_BODY_MIN_CHARS, "n": length},
        )
    if length > settings.OPENHAO_BODY_MAX_CHARS:
        raise ValidationError(
            _("正文最多 %(max)d 个字（现在 %(n)d 个）。"),
            code="body_too_long",
            params={"max": settings.OPENHAO_BODY_MAX_CHARS, "n": length},
        )


def images_missing_alt(html: str) -> int:
    """How many <img> in the (sanitised) body have no alternative text."""
    missing = 0
    for tag in _IMG_RE.findall(html):
        alt = _ALT_RE.search(tag)
        if not alt or not alt.group(1).strip():
            missing += 1
    return missing


def article_publish_problems(article: Article) -> list[str]:
    """Why ``article`` cannot go public yet, in words for its creator (empty: it can)."""
    problems = []
    title_len = len(article.title.strip())
    if not TITLE_MIN <= title_len <= TITLE_MAX:
        problems.append(
            _("标题需要 %(min)d-%(max)d 个字，现在是 %(n)d 个字。")
            % {"min": TITLE_MIN, "max": TITLE_MAX, "n": title_len}
        )
    try:
        validate_body_length(article.body_html)
    except ValidationError as exc:
        problems.extend(exc.messages)
    if not article.channel_id:
        problems.append(_("请选择频道。"))
    missing = images_missing_alt(article.body_html)
    if missing:
        problems.append(
            _("正文中有 %(n)d 张图片没有填写图片说明（替代文字），请补上后再发布。")
            % {"n": missing}
        )
    if article.cover and not article.cover_alt.strip():
        problems.append(_("请填写封面图片说明（替代文字）。"))
    return problems


def creator_needs_review(creator: Creator) -> bool:
    """先审后发: a new creator's articles (and edits of published ones) wait for staff review
    until OPENHAO_PREREVIEW_ARTICLES of them were approved."""
    return creator.approved_article_count < settings.OPENHAO_PREREVIEW_ARTICLES


def article_edit_needs_review(article: Article) -> bool:
    """Whether saving an edit of ``article`` makes a revision for staff instead of changing the
    public page: the article is published and its creator is still under 先审后发."""
    return article.status == Article.Status.PUBLISHED and creator_needs_review(article.creator)


def _references_data(references: Iterable[ReferenceData | Reference]) -> list[dict]:
    return [{"title": r.title, "source": r.source, "url": r.url} for r in references]


def _references_set(article: Article, references: Sequence[dict]) -> None:
    article.references.all().delete()
    Reference.objects.bulk_create(
        Reference(
            article=article,
            title=r["title"],
            source=r.get("source", ""),
            url=r.get("url", ""),
            order=i,
        )
        for i, r in enumerate(references)
    )


@transaction.atomic
def article_update(
    *,
    article: Article,
    channel: Channel,
    title: str,
    body_html: str,
    summary: str = "",
    is_original: bool = False,
    topic_names: Sequence[str] | None = None,
    references: Sequence[ReferenceData] | None = None,
    cover=None,
    cover_alt: str | None = None,
    correction_note: str = "",
) -> Article:
    """Save the creator's edits. A published article keeps its URL and records when it was last
    edited; the autosaved copy is dropped once the edit is saved for real.

    An edit that changes what readers see of a published article leaves an entry in its public
    change log (``ArticleChange``) with the version it replaced: a 更正 when the creator gives a
    ``correction_note`` (the article's ``correction_count`` goes up), a 修改 otherwise.

    While its creator is still under 先审后发 an approved article cannot be swapped for unreviewed
    content: an edit of a published article becomes its pending ArticleRevision (the public
    page is unchanged until staff approve it), and an approved, scheduled article goes back to
    review, keeping its time."""
    article = Article.objects.select_for_update().select_related("creator").get(pk=article.pk)
    _write_check(article.creator, is_original)
    body_html = sanitize_body(body_html)
    title, summary, body_html = _texts_checked(article.creator, title, summary, body_html)
    summary = summary or summary_from_html(body_html)
    correction_note = _correction_note_checked(article, correction_note)
    note = ""
    if article.status == Article.Status.PUBLISHED and not article_edit_needs_review(article):
        candidate = copy.copy(article)
        _edit_fields_set(
            candidate,
            channel=channel,
            title=title,
            body_html=body_html,
            summary=summary,
            is_original=is_original,
            cover=cover,
            cover_alt=cover_alt,
        )
        note = _publish_check(candidate)
        is_original = candidate.is_original
    if note or article_edit_needs_review(article):
        revision = _revision_save(
            article,
            channel=channel,
            title=title,
            body_html=body_html,
            summary=summary,
            is_original=is_original,
            topic_names=topic_names,
            references=references,
            cover=cover,
            cover_alt=cover_alt,
            correction_note=correction_note,
        )
        if note:
            revision.review_note = note
            revision.save(update_fields=["review_note"])
        ArticleAutosave.objects.filter(article=article).delete()
        return article
    before = _public_version(article)
    _edit_fields_set(
        article,
        channel=channel,
        title=title,
        body_html=body_html,
        summary=summary,
        is_original=is_original,
        cover=cover,
        cover_alt=cover_alt,
    )
    change = None
    if article.status == Article.Status.PUBLISHED:
        article.edited_at = timezone.now()
        change = _change_prepare(article, before, note=correction_note)
    elif article.status == Article.Status.SCHEDULED and creator_needs_review(article.creator):
        article.status = Article.Status.PENDING
    article.save()
    if change is not None:
        change.save()
    if topic_names is not None:
        article.topics.set(topics_get_or_create(topic_names))
    if references is not None:
        _references_set(article, _references_data(references))
    ArticleAutosave.objects.filter(article=article).delete()
    _article_discovery_changed(article)
    return article


CORRECTION_NOTE_MAX = 300


def _correction_note_checked(article: Article, note: str) -> str:
    """The note of an edit marked 更正, stripped and run through the word lists (it is shown
    publicly in the change log); "" for a plain edit. Only a published article's edit can be a
    correction: a draft has no readers to correct anything for."""
    note = (note or "").strip()
    if not note:
        return ""
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError(_("只有已发布的文章才能标记为更正。"), code="not_published")
    if len(note) > CORRECTION_NOTE_MAX:
        raise ValidationError(
            _("更正说明最多 %(max)d 个字。"),
            code="note_too_long",
            params={"max": CORRECTION_NOTE_MAX},
        )
    verdict = content_check(texts={"note": note}, kind="article", user=article.creator.user)
    return verdict.texts["note"]


def _public_version(article: Article) -> dict:
    """What readers see of a published article now, as an ArticleChange keeps it."""
    return {
        "title": article.title,
        "summary": article.summary,
        "body_html": article.body_html,
        "shown_since": article.edited_at or article.published_at,
    }


def _change_prepare(article: Article, before: dict, *, note: str) -> ArticleChange | None:
    """The change-log entry of an edit about to be saved over a public article (``before``: its
    ``_public_version`` ahead of the edit), or None when readers will see no difference in the
    texts and the edit is not a correction (a new hashtag alone is no entry). A correction
    counts at once on the article row, which the caller saves."""
    if not article.is_public:
        return None
    changed = any(before[f] != getattr(article, f) for f in ("title", "summary", "body_html"))
    if not changed and not note:
        return None
    if note:
        article.correction_count += 1
    return ArticleChange(
        article=article,
        kind=ArticleChange.Kind.CORRECTION if note else ArticleChange.Kind.EDIT,
        at=article.edited_at or timezone.now(),
        note=note,
        **before,
    )


def _texts_checked(creator: Creator, title: str, summary: str, body_html: str):
    """The word lists over an article's texts (common.content): a block-word refuses the
    save (ValidationError), replace-words come back masked. Review-words are looked at again
    when it goes public (``_publish_check``)."""
    verdict = content_check(
        texts={"title": title, "summary": summary, "body_html": body_html},
        kind="article",
        user=creator.user,
        html_fields=("body_html",),
    )
    return verdict.texts["title"], verdict.texts["summary"], verdict.texts["body_html"]


def _publish_check(article: Article) -> str:
    """The notes of the listeners that send this article to review (joined), or ""."""
    notes = [note for note in hooks.article_publish_check.run(article=article) if note]
    return "；".join(notes)[:500]


def _edit_fields_set(
    target: Article | ArticleRevision,
    *,
    channel,
    title,
    body_html,
    summary,
    is_original,
    cover,
    cover_alt,
) -> None:
    """The fields an edit writes, on the article itself or on its pending revision; a cover or
    alt text that the edit leaves out (None) stays as it was."""
    target.channel = channel
    target.title = title
    target.body_html = body_html
    target.summary = summary
    target.is_original = is_original
    if cover is not None:
        target.cover = cover
    if cover_alt is not None:
        target.cover_alt = cover_alt


def _revision_save(
    article: Article,
    *,
    channel,
    title,
    body_html,
    summary,
    is_original,
    topic_names,
    references,
    cover,
    cover_alt,
    correction_note="",
) -> ArticleRevision:
    """Create or update the article's pending revision. What the edit leaves out (no new cover,
    no topics or references given) is taken from the pending revision, else from the article."""
    revision = (
        ArticleRevision.objects.select_for_update()
        .filter(article=article, status=ArticleRevision.Status.PENDING)
        .first()
    )
    if revision is None:
        revision = ArticleRevision(
            article=article,
            cover=article.cover,
            cover_alt=article.cover_alt,
            topic_names=[t.name for t in article.topics.all()],
            references=_references_data(article.references.all()),
        )
    _edit_fields_set(
        revision,
        channel=channel,
        title=title,
        body_html=body_html,
        summary=summary,
        is_original=is_original,
        cover=cover,
        cover_alt=cover_alt,
    )
    if topic_names is not None:
        revision.topic_names = topic_names_clean(topic_names)
    if references is not None:
        revision.references = _references_data(references)
    # Each save of the pending edit says again whether it is a correction.
    revision.correction_note = correction_note
    revision.save()
    return revision


def _revision_apply(article: Article, revision: ArticleRevision, *, record: bool = True) -> None:
    """Copy an approved revision over the published article (same row, same URL). ``record``:
    the public change log keeps the version it replaces (not when the article is leaving the
    site for the drafts, where no reader sees the new version)."""
    before = _public_version(article)
    article.channel_id = revision.channel_id
    article.title = revision.title
    article.summary = revision.summary
    article.body_html = revision.body_html
    article.cover = revision.cover
    article.cover_alt = revision.cover_alt
    article.is_original = revision.is_original
    article.edited_at = timezone.now()
    change = _change_prepare(article, before, note=revision.correction_note) if record else None
    article.save()
    if change is not None:
        change.revision = revision
        change.save()
    article.topics.set(topics_get_or_create(revision.topic_names))
    _references_set(article, revision.references)


def pending_revision(article: Article) -> ArticleRevision | None:
    return ArticleRevision.objects.filter(
        article=article, status=ArticleRevision.Status.PENDING
    ).first()


@transaction.atomic
def article_revision_withdraw(*, article: Article) -> bool:
    """The creator drops their pending edit; the published version stays. False if none."""
    deleted, _ = ArticleRevision.objects.filter(
        article=article, status=ArticleRevision.Status.PENDING
    ).delete()
    return bool(deleted)


class ArticleNotReady(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def _schedule(article: Article, at: datetime) -> None:
    from .tasks import publish_due_articles

    article.status = Article.Status.SCHEDULED
    article.scheduled_at = at
    article.save(update_fields=["status", "scheduled_at", "updated_at"])
    backend = publish_due_articles.get_backend()
    if backend.supports_defer:
        transaction.on_commit(lambda: publish_due_articles.using(run_after=at).enqueue())
    # Without a deferring backend the `publish_scheduled` command (cron) is the runner.


@transaction.atomic
def article_submit(*, article: Article, at: datetime | None = None) -> Article:
    """The creator's 发布 button: publish now or at ``at``, or queue for review first while the
    creator is new (先审后发). Raises ArticleNotReady with the reasons it cannot go out."""
    article = Article.objects.select_for_update().select_related("creator").get(pk=article.pk)
    if article.status in (Article.Status.PUBLISHED, Article.Status.REMOVED):
        return article
    problems = article_publish_problems(article)
    try:
        account_hooks.write_check.run(user=article.creator.user, what="publish")
    except ValidationError as exc:
        problems += exc.messages
    if problems:
        raise ArticleNotReady(problems)
    now = timezone.now()
    if at is not None and at <= now:
        at = None
    article.review_note = _publish_check(article)
    if article.review_note or creator_needs_review(article.creator):
        article.status = Article.Status.PENDING
        article.scheduled_at = at
        article.save(
            update_fields=["status", "scheduled_at", "review_note", "is_original", "updated_at"]
        )
        return article
    if at is not None:
        _schedule(article, at)
        return article
    article.scheduled_at = None
    article.save(update_fields=["scheduled_at", "review_note", "updated_at"])
    return article_publish(article=article)


def article_review_lock(article: Article) -> tuple[Article, ArticleRevision | None]:
    """The article, locked, and its pending revision when the decision is about an edit of a
    published article; ValidationError when there is nothing to decide. The first step of a
    staff decision (``openhao.moderation.services``), inside its transaction."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.PUBLISHED:
        revision = (
            ArticleRevision.objects.select_for_update()
            .filter(article=article, status=ArticleRevision.Status.PENDING)
            .first()
        )
        if revision is not None:
            return article, revision
    if article.status != Article.Status.PENDING:
        raise ValidationError(_("这篇文章不在待审核状态。"))
    return article, None


def article_review_pass(
    *, article: Article, revision: ArticleRevision | None, first_approval: bool
) -> Article:
    """What passing review does to a locked article (``article_review_lock``): a pending
    article goes out now or at the time the creator chose, the pending edit of a published one
    replaces the public version now. Only the decision in ``openhao.moderation.services``, which
    checks the staff member and writes the audit row, calls it."""
    if revision is not None:
        _revision_apply(article, revision)
        revision.status = ArticleRevision.Status.APPROVED
        revision.decided_at = timezone.now()
        revision.save(update_fields=["status", "decided_at", "updated_at"])
        _article_discovery_changed(article)
        return article
    # An article approved again (after an unpublish) does not count twice towards 先审后发.
    if first_approval:
        Creator.objects.filter(pk=article.creator_id).update(
            approved_article_count=F("approved_article_count") + 1
        )
    if article.scheduled_at and article.scheduled_at > timezone.now():
        _schedule(article, article.scheduled_at)
        return article
    # A re-reviewed article keeps its original publishing time.
    return article_publish(article=article, at=article.published_at)


def article_review_send_back(
    *, article: Article, revision: ArticleRevision | None, reason: str
) -> Article:
    """What failing review does to a locked article: a pending article goes back to its
    creator's drafts with the reason; a pending edit is discarded with it (the published
    version stays). Called by the decision in ``openhao.moderation.services`` only."""
    if revision is not None:
        revision.status = ArticleRevision.Status.REJECTED
        revision.review_note = reason
        revision.decided_at = timezone.now()
        revision.save(update_fields=["status", "review_note", "decided_at", "updated_at"])
        return article
    article.status = Article.Status.DRAFT
    article.review_note = reason
    article.scheduled_at = None
    article.save(update_fields=["status", "review_note", "scheduled_at", "updated_at"])
    return article


def articles_publish_due(*, now: datetime | None = None) -> int:
    """Publish every scheduled article whose time has come; returns how many. Safe to run
    often and from several places (task and cron): each article is locked and re-checked."""
    now = now or timezone.now()
    # Index article_scheduled_idx (status, scheduled_at).
    due = list(
        Article.objects.filter(status=Article.Status.SCHEDULED, scheduled_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    published = 0
    for pk in due:
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=pk)
            if article.status != Article.Status.SCHEDULED or article.scheduled_at > now:
                continue
            article_publish(article=article, at=article.scheduled_at)
            published += 1
    return published


@transaction.atomic
def article_unpublish(*, article: Article) -> Article:
    """The creator takes a published (or scheduled, or pending) article back to drafts. The
    public URL answers 404 until it is published again, at the same URL. A pending edit of the
    published version becomes the draft's content."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    was_public = article.is_public
    if article.status in (Article.Status.DRAFT, Article.Status.REMOVED):
        return article
    article.status = Article.Status.DRAFT
    article.scheduled_at = None
    revision = pending_revision(article) if was_public else None
    if revision is not None:
        # A draft needs no review: the waiting edit becomes the draft, so nothing is lost.
        edited_at = article.edited_at
        _revision_apply(article, revision, record=False)
        article.edited_at = edited_at
        revision.delete()
    article.save(update_fields=["status", "scheduled_at", "edited_at", "updated_at"])
    if was_public:
        _article_count_add(article.creator_id, -1)
        _article_discovery_changed(article)
    return article


# --- 回收站 (trash) ----------------------------------------------------------------------------

PURGE_BATCH = 500


def trash_cutoff(now: datetime | None = None) -> datetime:
    """Articles deleted before this moment are past the 回收站's restore window."""
    return (now or timezone.now()) - timedelta(days=settings.OPENHAO_TRASH_DAYS)


@transaction.atomic
def article_soft_delete(*, article: Article) -> Article:
    """The creator deletes an article: it leaves the site and the studio list for the 回收站,
    where it can be restored (``article_restore``) for OPENHAO_TRASH_DAYS days."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.deleted_at is not None:
        return article
    status = article.status
    article = article_remove(article=article)
    article.deleted_at = timezone.now()
    article.deleted_status = status
    article.save(update_fields=["deleted_at", "deleted_status", "updated_at"])
    return article


@transaction.atomic
def article_restore(*, article: Article) -> Article:
    """Take an article out of the 回收站 in the state it was deleted in: a published one is
    public again (same URL and time, counted again), a scheduled one goes out at its time, a
    pending one is back in review; one that staff had taken down stays down."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.deleted_at is None:
        return article
    if article.deleted_at < trash_cutoff():
        raise ValidationError(
            _("这篇文章在回收站里已超过 %(n)d 天，无法恢复。") % {"n": settings.OPENHAO_TRASH_DAYS}
        )
    # Deleted before deleted_status existed: its earlier state is unknown, a draft is safe (it
    # goes out again only through article_submit's rules).
    status = article.deleted_status or Article.Status.DRAFT
    article.deleted_at = None
    article.deleted_status = ""
    if status != Article.Status.PUBLISHED:
        article.status = status
    article.save(update_fields=["deleted_at", "deleted_status", "status", "updated_at"])
    if status == Article.Status.PUBLISHED:
        return article_publish(article=article, at=article.published_at)
    if status == Article.Status.SCHEDULED and article.scheduled_at:
        _schedule(article, article.scheduled_at)  # a time already past goes out at once
    return article


def articles_purge_trash(*, now: datetime | None = None) -> int:
    """Delete for good every article that has been in the 回收站 longer than the restore window
    (with its comments, likes, counters and index rows, by their foreign keys); returns how
    many. One that staff decisions refer to stays, hidden for good, for the audit trail
    (moderation's ReviewRecord protects it). Run by ``manage.py periodic``; safe to run twice."""
    cutoff = trash_cutoff(now)
    # article_trash_idx: the partial index holds the trash only.
    expired = Article.objects.filter(deleted_at__isnull=False, deleted_at__lt=cutoff)
    # Every table that refers to articles with PROTECT (the audit trail of the apps above, by
    # its reverse relation, so articles need not import them) keeps its articles.
    for relation in Article._meta.related_objects:
        if relation.on_delete is PROTECT:
            referring = relation.related_model.objects.filter(
                **{f"{relation.field.name}__isnull": False}
            )
            expired = expired.exclude(pk__in=referring.values(relation.field.attname))
    purged = 0
    while True:
        batch = list(expired.values_list("pk", flat=True)[:PURGE_BATCH])
        if not batch:
            return purged
        with transaction.atomic():
            Article.objects.filter(pk__in=batch, deleted_at__lt=cutoff).delete()
        purged += len(batch)


@transaction.atomic
def article_autosave(
    *,
    creator: Creator,
    article: Article | None,
    title: str,
    body_html: str,
    channel: Channel | None = None,
) -> Article | None:
    """Keep the latest unsaved state of the editor. A new article becomes a draft on the first
    autosave with a title or some text in the body (None before that: opening 写文章, choosing a
    channel or uploading an image leaves no empty draft behind; the editor holds the image
    until the draft exists); an existing one keeps its public version and stores the autosave
    beside it."""
    title = title.strip()[:TITLE_MAX]
    body_html = sanitize_body(body_html)
    if article is None:
        if not title and not body_text_length(body_html):
            return None
        channel = channel or creator.main_channel or Channel.objects.order_by("order", "id").first()
        return article_create(creator=creator, channel=channel, title=title, body_html=body_html)
    ArticleAutosave.objects.update_or_create(
        article=article,
        defaults={"title": title, "body_html": body_html, "saved_at": timezone.now()},
    )
    return article


# --- Images ----------------------------------------------------------------------------------


def image_upload(*, creator: Creator, upload) -> ArticleImage:
    """Store a checked and cleaned copy of ``upload`` (ValidationError with a Chinese message
    otherwise) and ask the task runner for its renditions."""
    return image_store(creator=creator, cleaned=validate_image_upload(upload))


@transaction.atomic
def image_store(*, creator: Creator, cleaned) -> ArticleImage:
    """Store an image already cleaned by ``validate_image_upload``."""
    from .tasks import make_renditions

    image = ArticleImage(creator=creator)
    image.file.save(cleaned.name, cleaned, save=False)
    image.save()
    transaction.on_commit(lambda: make_renditions.enqueue(image.pk))
    return image


def image_make_renditions(*, image_id: int) -> dict:
    from django.core.files.base import ContentFile

    from .images import RENDITION_WIDTHS, rendition_bytes

    image = ArticleImage.objects.get(pk=image_id)
    with image.file.open("rb") as fh:
        source = fh.read()
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    renditions = {}
    for width in RENDITION_WIDTHS:
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
            data, _size = rendition_bytes(source, width, fmt)
            name = f"images/renditions/{stem}-{width}.{ext}"
            # A second run (a worker died after the first) replaces the file instead of
            # leaving an orphan under a suffixed name.
            image.file.storage.delete(name)
            name = image.file.storage.save(name, ContentFile(data))
            renditions[f"{width}.{ext}"] = name
    ArticleImage.objects.filter(pk=image.pk).update(renditions=renditions)
    return renditions
