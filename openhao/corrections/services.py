"""Writes of readers' 纠错 (suggestions): create, dismiss, and the creator's edit that accepts
one. Each is one transaction; the reader's notice goes out on commit. The change log itself is
written by ``openhao.articles.services`` (every edit of a public article, every label)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.accounts import hooks as account_hooks
from openhao.articles import services as article_services
from openhao.articles.models import Article, ArticleChange
from openhao.common.content import content_check
from openhao.engagement import services as engagement_services
from openhao.engagement.models import Notification

from .diff import html_to_lines
from .models import PASSAGE_MAX, SUGGESTION_MAX, Suggestion

# The name of the rate limit (settings.ACCOUNT_RATE_LIMITS, RATE_LIMIT_CORRECTION).
RATE_ACTION = "correction"
PASSAGE_MIN = 2
SUGGESTION_MIN = 2
_SPACE_RE = re.compile(r"\s+")


def passage_clean(passage: str) -> str:
    """A quoted passage as stored and compared: whitespace runs (a selection across lines)
    become one space."""
    return _SPACE_RE.sub(" ", passage or "").strip()


def _in_article(article: Article, passage: str) -> bool:
    """Whether ``passage`` is text of the article as readers see it (title, summary, body),
    spaces aside: a suggestion is about what the article says."""
    text = "\n".join((article.title, article.summary, html_to_lines(article.body_html)))
    return _SPACE_RE.sub("", passage) in _SPACE_RE.sub("", text)


@transaction.atomic
def suggestion_create(*, user, article: Article, passage: str, text: str) -> Suggestion:
    """A reader's 纠错 on a passage of a public article. ValidationError (with the reason for
    the reader) when the article is not public, is their own, the passage is not in it, the
    texts are too short or long, the word lists or spam rules object, or the reader already
    has an open suggestion on this passage. The rate limit is the caller's (a request's)."""
    passage = passage_clean(passage)
    text = (text or "").strip()
    if not article.is_public:
        raise ValidationError(_("这篇文章已无法访问。"), code="not_public")
    if article.creator.user_id == user.pk:
        raise ValidationError(_("这是你自己的文章，可以直接在创作者中心修改。"), code="own")
    if not PASSAGE_MIN <= len(passage) <= PASSAGE_MAX:
        raise ValidationError(
            _("请选取或粘贴 %(min)d-%(max)d 个字的原文。"),
            code="passage_length",
            params={"min": PASSAGE_MIN, "max": PASSAGE_MAX},
        )
    if not _in_article(article, passage):
        raise ValidationError(_("引用的原文不在这篇文章里，请从正文中选取。"), code="passage")
    if not SUGGESTION_MIN <= len(text) <= SUGGESTION_MAX:
        raise ValidationError(
            _("纠错意见需要 %(min)d-%(max)d 个字。"),
            code="text_length",
            params={"min": SUGGESTION_MIN, "max": SUGGESTION_MAX},
        )
    # The same checks as a comment: a suspended account writes nothing, the word lists and the
    # comment spam rules read the suggestion (the passage is the article's own text).
    account_hooks.write_check.run(user=user, what="comment")
    verdict = content_check(texts={"body": text}, kind="comment", user=user)
    if verdict.held:
        # Only the creator would read it, and no operator queue holds suggestions: a held one
        # would wait for nobody, so it is refused with the reason instead.
        raise ValidationError(
            _("纠错内容未通过自动检查（例如含有链接或重复内容），请修改后再提交。"), code="held"
        )
    duplicate = ValidationError(
        _("你已对这段原文提交过纠错，作者处理前不能重复提交。"), code="duplicate"
    )
    open_ = Suggestion.objects.filter(
        user=user, article=article, passage=passage, status=Suggestion.Status.OPEN
    )
    if open_.exists():
        raise duplicate
    try:
        with transaction.atomic():  # the constraint decides a race of two submits
            return Suggestion.objects.create(
                user=user, article=article, passage=passage, text=verdict.texts["body"]
            )
    except IntegrityError:
        raise duplicate from None


def _notify(suggestion: Suggestion, message: str, link: str) -> None:
    user_id = suggestion.user_id
    transaction.on_commit(
        lambda: engagement_services.notification_for_moderation(
            user_id=user_id, kind=Notification.Kind.CORRECTION, message=message, link=link
        )
    )


def _locked_open(suggestion: Suggestion, creator) -> Suggestion:
    suggestion = (
        Suggestion.objects.select_for_update().select_related("article").get(pk=suggestion.pk)
    )
    if suggestion.article.creator_id != creator.pk:
        raise PermissionDenied
    if suggestion.status != Suggestion.Status.OPEN:
        raise ValidationError(_("这条纠错已经处理过了。"), code="decided")
    return suggestion


@transaction.atomic
def suggestion_dismiss(*, creator, suggestion: Suggestion) -> Suggestion:
    """The creator does not take a suggestion; the reader is told."""
    suggestion = _locked_open(suggestion, creator)
    suggestion.status = Suggestion.Status.DISMISSED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_at"])
    _notify(
        suggestion,
        _("你对《%(title)s》的纠错，作者经核实后未采纳。感谢你的反馈。")
        % {"title": suggestion.article.title},
        suggestion.article.get_absolute_url(),
    )
    return suggestion


@transaction.atomic
def article_update_accepting(
    *, creator, suggestion: Suggestion, article: Article, correction_note: str, **fields
) -> Article:
    """The creator's edit that accepts a reader's 纠错: ``articles.services.article_update`` as
    a 更正 with ``correction_note`` (required), then the suggestion points at the correction —
    its change-log entry, or, under 先审后发, the edit waiting for review (whose entry is
    written on approval, ``ArticleChange.revision``). The reader is told."""
    suggestion = _locked_open(suggestion, creator)
    if suggestion.article_id != article.pk:
        raise PermissionDenied
    if not (correction_note or "").strip():
        raise ValidationError(_("采纳纠错的修改是一次更正，请填写更正说明。"), code="note")
    last = ArticleChange.objects.filter(article_id=article.pk).order_by("-pk").first()
    article = article_services.article_update(
        article=article, correction_note=correction_note, **fields
    )
    change = (
        ArticleChange.objects.filter(
            article_id=article.pk,
            kind=ArticleChange.Kind.CORRECTION,
            pk__gt=last.pk if last else 0,
        )
        .order_by("pk")
        .first()
    )
    revision = None if change else article_services.pending_revision(article)
    suggestion.status = Suggestion.Status.ACCEPTED
    suggestion.decided_at = timezone.now()
    suggestion.change = change
    suggestion.revision = revision
    suggestion.save(update_fields=["status", "decided_at", "change", "revision"])
    if change is not None:
        message = _("你对《%(title)s》的纠错已被作者采纳，文章已更正。")
    else:
        message = _("你对《%(title)s》的纠错已被作者采纳，更正将在审核通过后显示。")
    _notify(
        suggestion,
        message % {"title": article.title},
        reverse("corrections:log", args=[article.pk]),
    )
    return article


def user_suggestions_erase(*, user) -> int:
    """注销: the reader's suggestions go (a correction they led to stays: it is the creator's
    text, and the log never named the reader)."""
    deleted, _by_model = Suggestion.objects.filter(user=user).delete()
    return deleted
