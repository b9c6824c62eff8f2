"""Writes of the importer: an article from a URL or pasted HTML into a draft, feed
subscriptions and their polls (docs/importer.md).

Everything downloaded goes through ``openhao.common.fetch`` (the SSRF rules); images are
checked and stored like uploads (``common.images.validate_image_upload``,
``articles.services.image_store``); bodies are sanitised by ``articles.services.article_create``
and ``article_update``, the editor's own path. An import is always a draft; a feed item is
published only through ``article_submit`` when its creator asked for it and is past 先审后发.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles import services as article_services
from openhao.articles.models import Article, Channel
from openhao.articles.services import ReferenceData
from openhao.common import fetch
from openhao.common.images import validate_image_upload
from openhao.creators.models import Creator
from openhao.engagement import services as engagement_services

from . import extract
from .models import FeedItem, FeedRun, FeedSubscription

logger = logging.getLogger(__name__)

TITLE_MAX = Article._meta.get_field("title").max_length
PASTE_MAX_CHARS = 2_000_000


class ImportFailed(ValueError):
    """The import could not make a draft; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportResult:
    article: Article
    warnings: list[str] = field(default_factory=list)


class _Rehoster:
    """Downloads a body's images through the fetcher and stores them as the creator's uploads;
    collects why an image was left out."""

    def __init__(self, creator: Creator):
        self.creator = creator
        self.count = 0
        self.warnings: list[str] = []
        self.done: dict[str, str | None] = {}  # the same image twice is fetched once

    def __call__(self, url: str) -> str | None:
        if url not in self.done:
            self.done[url] = self._rehost(url)
        return self.done[url]

    def _rehost(self, url: str) -> str | None:
        if self.count >= settings.OPENHAO_IMPORT_MAX_IMAGES:
            if self.count == settings.OPENHAO_IMPORT_MAX_IMAGES:
                self.count += 1  # say it once
                self.warnings.append(
                    _("图片超过 %(n)d 张，其余未导入。") % {"n": settings.OPENHAO_IMPORT_MAX_IMAGES}
                )
            return None
        self.count += 1
        try:
            result = fetch.fetch_image(url)
            cleaned = validate_image_upload(ContentFile(result.content, name="import"))
        except fetch.FetchError as exc:
            self.warnings.append(
                _("图片 %(url)s 未导入：%(why)s") % {"url": url, "why": exc.message}
            )
            return None
        except ValidationError as exc:
            self.warnings.append(
                _("图片 %(url)s 未导入：%(why)s") % {"url": url, "why": " ".join(exc.messages)}
            )
            return None
        image = article_services.image_store(creator=self.creator, cleaned=cleaned)
        return image.file.url


def _channel_for(creator: Creator) -> Channel:
    channel = creator.main_channel or Channel.objects.order_by("order", "id").first()
    if channel is None:
        raise ImportFailed(_("站点还没有频道，暂时无法导入。"))
    return channel


def _source_reference(url: str, title: str, sitename: str) -> ReferenceData:
    source = (sitename or urlsplit(url).hostname or "")[:100]
    label = _("原文：%(title)s") % {"title": title or url}
    if len(url) <= 200:
        return ReferenceData(title=label[:200], source=source, url=url)
    return ReferenceData(title=f"{label} {url}"[:200], source=source)


def _references(
    links: list[tuple[str, str]], *, source_url: str, title: str, sitename: str
) -> list[ReferenceData]:
    refs = [_source_reference(source_url, title, sitename)] if source_url else []
    for text, href in links:
        if len(href) <= 200 and href != source_url:
            refs.append(
                ReferenceData(
                    title=text[:200], source=(urlsplit(href).hostname or "")[:100], url=href
                )
            )
    return refs


def article_import(*, creator: Creator, url: str = "", html: str = "") -> ImportResult:
    """A draft from the page at ``url`` or from pasted ``html`` (ImportFailed otherwise)."""
    source_url = url.strip()
    if source_url:
        try:
            page = fetch.fetch_html(source_url)
        except fetch.FetchError as exc:
            raise ImportFailed(exc.message) from None
        html, base = page.text(), page.url
    else:
        if not html.strip():
            raise ImportFailed(_("请输入网址或粘贴网页 HTML。"))
        if len(html) > PASTE_MAX_CHARS:
            raise ImportFailed(_("粘贴的内容太长。"))
        base = ""
    rehost = _Rehoster(creator)
    found = extract.extract(html, url=base, rehost=rehost)
    if article_services.body_text_length(found.body_html) == 0:
        raise ImportFailed(_("没有在这个页面上找到正文。"))
    title = (found.title or _("导入的文章"))[:TITLE_MAX]
    article = article_services.article_create(
        creator=creator,
        channel=_channel_for(creator),
        title=title,
        body_html=found.body_html,
        references=_references(
            found.links, source_url=source_url, title=found.title, sitename=found.sitename
        ),
    )
    return ImportResult(article=article, warnings=rehost.warnings)


# --- Feed subscriptions ---------------------------------------------------------------------


def feed_subscribe(*, creator: Creator, url: str, auto_publish: bool = False) -> FeedSubscription:
    """Subscribe ``creator`` to the feed at ``url`` (ValidationError for a URL the fetcher will
    never fetch, or one already subscribed); its first poll is queued at once."""
    from . import tasks

    url = url.strip()
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ValidationError(_("只能订阅 http 或 https 网址。"))
    if FeedSubscription.objects.filter(creator=creator, url=url).exists():
        raise ValidationError(_("你已经订阅了这个地址。"))
    with transaction.atomic():
        subscription = FeedSubscription.objects.create(
            creator=creator, url=url, auto_publish=auto_publish
        )
        transaction.on_commit(lambda: tasks.feed_poll_task.enqueue(subscription.pk))
    return subscription


def feed_unsubscribe(*, subscription: FeedSubscription) -> None:
    """Stop importing from a feed; the drafts it made stay."""
    subscription.delete()


def feed_poll_request(*, subscription: FeedSubscription) -> None:
    """The creator's 立即抓取: poll now, in the task runner."""
    from . import tasks

    transaction.on_commit(lambda: tasks.feed_poll_task.enqueue(subscription.pk))


def backoff(failures: int) -> timedelta:
    """How long to wait after ``failures`` errors in a row: the poll interval doubled per
    failure, capped at OPENHAO_FEED_BACKOFF_MAX_HOURS."""
    interval = timedelta(minutes=settings.OPENHAO_FEED_POLL_MINUTES)
    if failures <= 0:
        return interval
    return min(
        interval * (2 ** min(failures, 16)),
        timedelta(hours=settings.OPENHAO_FEED_BACKOFF_MAX_HOURS),
    )


# While a poll runs, its feed is not due again for this long (a second scheduler leaves it).
POLL_LEASE = timedelta(minutes=10)
RUNS_KEPT = 50


def feeds_claim_due(*, now: datetime | None = None) -> list[int]:
    """The ids of active feeds due for a poll, each claimed (pushed POLL_LEASE ahead in one
    conditional UPDATE) so that it is polled once however many schedulers ask."""
    now = now or timezone.now()
    claimed = []
    due = FeedSubscription.objects.filter(is_active=True, next_poll_at__lte=now)
    for pk, next_poll_at in due.order_by("next_poll_at").values_list("pk", "next_poll_at")[:500]:
        if FeedSubscription.objects.filter(pk=pk, next_poll_at=next_poll_at).update(
            next_poll_at=now + POLL_LEASE
        ):
            claimed.append(pk)
    return claimed


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "replace"))
        digest.update(b"\0")
    return digest.hexdigest()


def _entry_body(entry) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return content["value"]
    return entry.get("summary", "") or entry.get("description", "")


def _plain(text: str) -> str:
    return " ".join(article_services.summary_from_html(text, length=10_000).split())


@dataclass
class _Counts:
    seen: int = 0
    new: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _item_upsert(subscription: FeedSubscription, entry, counts: _Counts) -> None:
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or link).strip()
    if not guid:
        raise ImportFailed(_("条目既没有 GUID 也没有链接，无法识别。"))
    title = _plain(entry.get("title", "")) or _("无标题")
    raw_body = _entry_body(entry)
    content_hash = _hash(title, raw_body)
    key = _hash(guid)
    item = (
        FeedItem.objects.filter(subscription=subscription, key=key)
        .select_related("article")
        .first()
    )
    if item is not None and item.content_hash == content_hash:
        return
    creator = subscription.creator
    rehost = _Rehoster(creator)
    body_html, _dropped = extract.rehost_images(
        raw_body, base_url=link or subscription.url, rehost=rehost
    )
    counts.errors.extend(rehost.warnings)
    if article_services.body_text_length(body_html) == 0:
        raise ImportFailed(_("条目没有正文。"))
    refs = _references([], source_url=link, title=title, sitename=subscription.title)
    if item is not None:
        article = item.article
        with transaction.atomic():
            # Only drafts follow the feed's edits: what the creator published is theirs now.
            if (
                article is not None
                and article.status == Article.Status.DRAFT
                and article.deleted_at is None  # nor what they put in the 回收站
            ):
                article_services.article_update(
                    article=article,
                    channel=article.channel,
                    title=title[:TITLE_MAX],
                    body_html=body_html,
                    references=refs,
                )
                counts.updated += 1
            item.content_hash = content_hash
            item.updated_at = timezone.now()
            item.save(update_fields=["content_hash", "updated_at"])
        return
    try:
        with transaction.atomic():
            article = article_services.article_create(
                creator=creator,
                channel=_channel_for(creator),
                title=title[:TITLE_MAX],
                body_html=body_html,
                references=refs,
            )
            FeedItem.objects.create(
                subscription=subscription,
                key=key,
                guid=guid,
                link=link[:1000],
                article=article,
                content_hash=content_hash,
            )
    except IntegrityError:
        return  # another poll of the same feed stored it a moment ago
    counts.new += 1
    if subscription.auto_publish and not article_services.creator_needs_review(creator):
        try:
            article_services.article_submit(article=article)
        except article_services.ArticleNotReady as exc:
            counts.errors.append(
                _("《%(title)s》已存为草稿，未能自动发布：%(why)s")
                % {"title": title, "why": " ".join(exc.problems)}
            )


def _poll(subscription: FeedSubscription, counts: _Counts) -> tuple[str, dict]:
    """Fetch and import; returns the outcome and the subscription fields to save."""
    result = fetch.fetch_feed(
        subscription.url, etag=subscription.etag, modified=subscription.last_modified
    )
    if result.not_modified:
        return FeedRun.Outcome.NOT_MODIFIED, {}
    parsed = feedparser.parse(
        result.content,
        response_headers={
            "content-location": result.url,
            "content-type": result.headers.get("content-type", ""),
        },
    )
    if not parsed.entries and not parsed.feed.get("title"):
        raise ImportFailed(_("这个地址不是有效的 RSS 或 Atom 订阅源。"))
    changes = {
        "etag": result.headers.get("etag", "")[:300],
        "last_modified": result.headers.get("last-modified", "")[:100],
    }
    if not subscription.title and parsed.feed.get("title"):
        changes["title"] = _plain(parsed.feed["title"])[:200]
        subscription.title = changes["title"]
    for entry in parsed.entries[: settings.OPENHAO_FEED_MAX_ITEMS]:
        counts.seen += 1
        try:
            _item_upsert(subscription, entry, counts)
        except ImportFailed as exc:
            counts.failed += 1
            counts.errors.append(exc.message)
        except ValidationError as exc:
            counts.failed += 1
            counts.errors.append(" ".join(exc.messages))
    return FeedRun.Outcome.OK, changes


def feed_poll(*, subscription_id: int) -> FeedRun | None:
    """Poll one feed now and record the run; errors move its next poll away (``backoff``) and,
    after OPENHAO_FEED_NOTIFY_AFTER_FAILURES in a row, notify its creator once."""
    subscription = (
        FeedSubscription.objects.select_related("creator").filter(pk=subscription_id).first()
    )
    if subscription is None:
        return None
    started, clock = timezone.now(), time.monotonic()
    counts = _Counts()
    error = ""
    try:
        outcome, changes = _poll(subscription, counts)
    except (fetch.FetchError, ImportFailed) as exc:
        outcome, changes, error = FeedRun.Outcome.ERROR, {}, exc.message
    except Exception:
        # Never silent: an unexpected failure is a failed run the creator sees, and a log line.
        logger.exception("feed poll %s failed", subscription_id)
        outcome, changes, error = FeedRun.Outcome.ERROR, {}, _("抓取时发生内部错误，请稍后再试。")
    now = timezone.now()
    if outcome == FeedRun.Outcome.ERROR:
        failures = subscription.failure_count + 1
        changes.update(
            failure_count=failures,
            last_error=error,
            last_error_at=now,
            next_poll_at=now + backoff(failures),
        )
        notify = (
            failures >= settings.OPENHAO_FEED_NOTIFY_AFTER_FAILURES
            and not subscription.failure_notified
        )
        if notify:
            changes["failure_notified"] = True
    else:
        notify = False
        changes.update(
            failure_count=0,
            failure_notified=False,
            last_success_at=now,
            next_poll_at=now + backoff(0),
        )
    with transaction.atomic():
        FeedSubscription.objects.filter(pk=subscription.pk).update(**changes)
        run = FeedRun.objects.create(
            subscription=subscription,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            outcome=outcome,
            items_seen=counts.seen,
            items_new=counts.new,
            items_updated=counts.updated,
            items_failed=counts.failed,
            error="\n".join([error, *counts.errors]).strip()[:5000],
        )
        # The record is kept for the last RUNS_KEPT polls of each feed.
        old = FeedRun.objects.filter(subscription=subscription).order_by("-started_at", "-id")
        stale = list(old.values_list("pk", flat=True)[RUNS_KEPT:])
        if stale:
            FeedRun.objects.filter(pk__in=stale).delete()
        if notify:
            engagement_services.notification_for_feed_failure(
                user_id=subscription.creator.user_id, failures=changes["failure_count"]
            )
    return run


# --- 注销 and 个人信息副本 (called by openhao.privacy) ------------------------------------------


def creator_imports_erase(*, creator: Creator) -> int:
    """An erased account imports nothing any more: its subscriptions (with their items and
    runs) go; the articles they made follow the creator's choice for articles."""
    return FeedSubscription.objects.filter(creator=creator).delete()[0]


def creator_imports_export(*, creator: Creator) -> list[dict]:
    return [
        {
            "url": sub.url,
            "title": sub.title,
            "auto_publish": sub.auto_publish,
            "created_at": sub.created_at,
            "last_success_at": sub.last_success_at,
            "last_error": sub.last_error,
            "items": [
                {"guid": i.guid, "link": i.link, "article_id": i.article_id}
                for i in sub.items.all()
            ],
        }
        for sub in FeedSubscription.objects.filter(creator=creator)
        .prefetch_related("items")
        .order_by("id")
    ]
