"""Writes to articles. Each function is one transaction and keeps the denormalised counters
(creator.article_count) in step."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import unescape

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.creators.models import Creator

from .models import Article, ArticleAutosave, ArticleImage, Channel, Reference, Topic
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
    topics = []
    for raw in names:
        name = raw.strip().strip("#").strip()
        if name:
            validate_topic_name(name)
            topics.append(Topic.objects.get_or_create(name=name)[0])
    return topics


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
    body_html = sanitize_body(body_html)
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
    article.status = Article.Status.PUBLISHED
    article.published_at = at or timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    Creator.objects.filter(pk=article.creator_id).update(article_count=F("article_count") + 1)
    from openhao.engagement.services import article_published  # engagement builds on articles

    article_published(article_id=article.pk)
    _article_discovery_changed(article)
    return article


@transaction.atomic
def article_remove(*, article: Article) -> Article:
    """Take an article down (soft delete): its URL answers 404 from now on."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.REMOVED:
        return article
    was_public = article.status == Article.Status.PUBLISHED
    article.status = Article.Status.REMOVED
    article.save(update_fields=["status", "updated_at"])
    if was_public:
        Creator.objects.filter(pk=article.creator_id, article_count__gt=0).update(
            article_count=F("article_count") - 1
        )
    _article_discovery_changed(article)
    return article


def _article_discovery_changed(article: Article) -> None:
    """Keep ranking (hot score, related lists) and search in step with a status change."""
    from openhao.ranking.services import article_content_changed

    article_content_changed(article_id=article.pk)


def creator_recount_articles(*, creator: Creator) -> int:
    """Recompute article_count from the table (repairs drift after bulk loads)."""
    count = Article.objects.filter(creator=creator, status=Article.Status.PUBLISHED).count()
    Creator.objects.filter(pk=creator.pk).update(article_count=count)
    return count


# --- Studio: editing, review, scheduling ---------------------------------------------------

TITLE_MIN, TITLE_MAX = 5, 64
_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT_RE = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)


def body_text_length(html: str) -> int:
    return len(_SPACE_RE.sub("", unescape(_TAG_RE.sub("", html))))


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
    length = body_text_length(article.body_html)
    if length < settings.OPENHAO_BODY_MIN_CHARS:
        problems.append(
            _("正文太短：至少 %(min)d 个字，现在是 %(n)d 个字。")
            % {"min": settings.OPENHAO_BODY_MIN_CHARS, "n": length}
        )
    if length > settings.OPENHAO_BODY_MAX_CHARS:
        problems.append(
            _("正文太长：最多 %(max)d 个字，现在是 %(n)d 个字。")
            % {"max": settings.OPENHAO_BODY_MAX_CHARS, "n": length}
        )
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


def _needs_review(creator: Creator) -> bool:
    return creator.approved_article_count < settings.OPENHAO_PREREVIEW_ARTICLES


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
) -> Article:
    """Save the creator's edits. A published article keeps its URL and records when it was last
    edited; the autosaved copy is dropped once the edit is saved for real.

    While its creator is still under 先审后发, an edit to a published article goes back to
    review (and off the site until approved), so an approved article cannot be swapped for
    unreviewed content."""
    article = Article.objects.select_for_update().select_related("creator").get(pk=article.pk)
    body_html = sanitize_body(body_html)
    article.channel = channel
    article.title = title
    article.body_html = body_html
    article.summary = summary or summary_from_html(body_html)
    article.is_original = is_original
    if cover is not None:
        article.cover = cover
    if cover_alt is not None:
        article.cover_alt = cover_alt
    if article.status == Article.Status.PUBLISHED:
        article.edited_at = timezone.now()
        if _needs_review(article.creator):
            article.status = Article.Status.PENDING
            Creator.objects.filter(pk=article.creator_id, article_count__gt=0).update(
                article_count=F("article_count") - 1
            )
    article.save()
    if topic_names is not None:
        article.topics.set(topics_get_or_create(topic_names))
    if references is not None:
        article.references.all().delete()
        Reference.objects.bulk_create(
            Reference(article=article, title=r.title, source=r.source, url=r.url, order=i)
            for i, r in enumerate(references)
        )
    ArticleAutosave.objects.filter(article=article).delete()
    _article_discovery_changed(article)
    return article


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
    if problems:
        raise ArticleNotReady(problems)
    now = timezone.now()
    if at is not None and at <= now:
        at = None
    article.review_note = ""
    if _needs_review(article.creator):
        article.status = Article.Status.PENDING
        article.scheduled_at = at
        article.save(update_fields=["status", "scheduled_at", "review_note", "updated_at"])
        return article
    if at is not None:
        _schedule(article, at)
        return article
    article.scheduled_at = None
    article.save(update_fields=["scheduled_at", "review_note", "updated_at"])
    return article_publish(article=article)


@transaction.atomic
def article_approve(*, article: Article, staff) -> Article:
    """Staff pass a pending article; it goes out now or at the time the creator chose."""
    from openhao.creators.models import ReviewRecord

    _require_staff(staff)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != Article.Status.PENDING:
        raise ValidationError(_("这篇文章不在待审核状态。"))
    first_approval = not article.reviews.filter(decision=ReviewRecord.Decision.APPROVE).exists()
    ReviewRecord.objects.create(
        article=article, decision=ReviewRecord.Decision.APPROVE, staff=staff
    )
    if first_approval:  # an edit approved again does not count twice towards 先审后发
        Creator.objects.filter(pk=article.creator_id).update(
            approved_article_count=F("approved_article_count") + 1
        )
    if article.scheduled_at and article.scheduled_at > timezone.now():
        _schedule(article, article.scheduled_at)
        return article
    # A re-reviewed edit keeps its original publishing time.
    return article_publish(article=article, at=article.published_at)


@transaction.atomic
def article_reject(*, article: Article, staff, reason: str) -> Article:
    """Staff send a pending article back to its creator's drafts with a reason."""
    from openhao.creators.models import ReviewRecord

    _require_staff(staff)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("驳回时请填写原因。"))
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != Article.Status.PENDING:
        raise ValidationError(_("这篇文章不在待审核状态。"))
    ReviewRecord.objects.create(
        article=article, decision=ReviewRecord.Decision.REJECT, reason=reason, staff=staff
    )
    article.status = Article.Status.DRAFT
    article.review_note = reason
    article.scheduled_at = None
    article.save(update_fields=["status", "review_note", "scheduled_at", "updated_at"])
    return article


def _require_staff(staff) -> None:
    if not (staff and staff.is_active and staff.is_staff):
        raise PermissionDenied("staff only")


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
    public URL answers 404 until it is published again, at the same URL."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    was_public = article.status == Article.Status.PUBLISHED
    if article.status in (Article.Status.DRAFT, Article.Status.REMOVED):
        return article
    article.status = Article.Status.DRAFT
    article.scheduled_at = None
    article.save(update_fields=["status", "scheduled_at", "updated_at"])
    if was_public:
        Creator.objects.filter(pk=article.creator_id, article_count__gt=0).update(
            article_count=F("article_count") - 1
        )
        _article_discovery_changed(article)
    return article


@transaction.atomic
def article_soft_delete(*, article: Article) -> Article:
    """The creator deletes an article: it leaves the site and the studio but stays in the
    table (for appeals and audit)."""
    article = article_remove(article=article)
    article.deleted_at = timezone.now()
    article.save(update_fields=["deleted_at", "updated_at"])
    return article


@transaction.atomic
def article_autosave(
    *,
    creator: Creator,
    article: Article | None,
    title: str,
    body_html: str,
    channel: Channel | None = None,
) -> Article:
    """Keep the latest unsaved state of the editor. A new article becomes a draft on its first
    autosave; an existing one keeps its public version and stores the autosave beside it."""
    title = title.strip()[:TITLE_MAX]
    body_html = sanitize_body(body_html)
    if article is None:
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
    from openhao.creators.images import validate_image_upload

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

    from openhao.creators.images import RENDITION_WIDTHS, rendition_bytes

    image = ArticleImage.objects.get(pk=image_id)
    with image.file.open("rb") as fh:
        source = fh.read()
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    renditions = {}
    for width in RENDITION_WIDTHS:
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
            data, _size = rendition_bytes(source, width, fmt)
            name = image.file.storage.save(
                f"images/renditions/{stem}-{width}.{ext}", ContentFile(data)
            )
            renditions[f"{width}.{ext}"] = name
    ArticleImage.objects.filter(pk=image.pk).update(renditions=renditions)
    return renditions
