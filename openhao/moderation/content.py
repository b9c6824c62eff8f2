"""Content moderation, the writes and checks: the 敏感词 lists and their shared automaton, the
check every write of user text runs (``content_check_listener`` on common.hooks.content_check),
the spam rules on comments and their SpamFlag records, the reaction-ring job and operators'
decisions on held comments.

Operators' services check ``permissions.require_content_operator`` /
``require_wordlist_editor`` first; every change of a word list bumps its version, and the
process rebuilds its automaton only when the combined version (read from the cache, one
round trip, a query only on a miss) changes."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from openhao.articles.models import PUBLIC_FIELDS, Article
from openhao.common import text as textlib
from openhao.common.cache import article_tag, bump_tags
from openhao.common.content import Verdict
from openhao.engagement import services as engagement_services
from openhao.engagement.models import ArticleLike, Comment
from openhao.ranking.services import article_engagement_changed

from . import originality, spam, wordfilter
from .models import (
    ArticleHold,
    Fingerprint,
    FingerprintBand,
    RingMember,
    SensitiveWord,
    SpamFlag,
    WordList,
)
from .permissions import (
    is_content_operator,
    require_content_operator,
    require_wordlist_editor,
)

logger = logging.getLogger(__name__)

VERSION_KEY = "moderation:wordlists:version"
VERSION_TIMEOUT = 24 * 3600
MAX_WORD_LENGTH = 50
MAX_BULK_WORDS = 20_000


# --- the lists and the shared automaton -------------------------------------------------------


def _version_from_db() -> str:
    rows = WordList.objects.filter(is_active=True).order_by("pk").values_list("pk", "version")
    return ",".join(f"{pk}.{version}" for pk, version in rows) or "empty"


def lists_version() -> str:
    """The combined version of the active lists: from the cache; on a miss (or without a
    cache) from one query, then cached until the next change."""
    try:
        version = cache.get(VERSION_KEY)
    except Exception:  # the cache may be away: the database answers
        version = None
    if version is None:
        version = _version_from_db()
        try:
            cache.set(VERSION_KEY, version, VERSION_TIMEOUT)
        except Exception:  # served from the database until the cache is back
            logger.warning("could not cache the word-list version")
    return version


def _forget_version() -> None:
    def forget():
        try:
            cache.delete(VERSION_KEY)
        except Exception:
            logger.warning("could not drop the cached word-list version")

    transaction.on_commit(forget)


def _load_entries() -> list[tuple[str, str]]:
    return list(
        SensitiveWord.objects.filter(word_list__is_active=True).values_list("word", "action")
    )


def word_filter() -> wordfilter.WordFilter:
    """The process's automaton for the current version of the lists."""
    return wordfilter.shared_filter(lists_version(), _load_entries)


def _bump(word_list: WordList, user) -> None:
    WordList.objects.filter(pk=word_list.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=user
    )
    _forget_version()


@transaction.atomic
def wordlist_create(*, user, name: str, description: str = "") -> WordList:
    require_wordlist_editor(user)
    name = name.strip()
    description = description.strip()
    if not name:
        raise ValidationError(_("请填写词表名称。"))
    # PostgreSQL refuses a value longer than its column (SQLite would store it).
    for field, value in (("name", name), ("description", description)):
        limit = WordList._meta.get_field(field).max_length
        if len(value) > limit:
            label = WordList._meta.get_field(field).verbose_name
            raise ValidationError(
                _("%(field)s不能超过 %(n)d 个字。") % {"field": label, "n": limit}
            )
    if WordList.objects.filter(name=name).exists():
        raise ValidationError(_("已有同名词表。"))
    word_list = WordList.objects.create(name=name, description=description, updated_by=user)
    _forget_version()
    return word_list


@transaction.atomic
def wordlist_set_active(*, user, word_list: WordList, active: bool) -> None:
    require_wordlist_editor(user)
    WordList.objects.filter(pk=word_list.pk).update(is_active=active)
    _bump(word_list, user)


def _clean_word(word: str) -> str:
    word = word.strip()
    if len(word) > MAX_WORD_LENGTH:
        raise ValidationError(_("词语不能超过 %(n)d 个字。") % {"n": MAX_WORD_LENGTH})
    return word


def _check_action(action: str) -> None:
    if action not in SensitiveWord.Action.values:
        raise ValidationError(_("请选择处理方式。"))


@transaction.atomic
def words_add(*, user, word_list: WordList, words: Iterable[str], action: str) -> int:
    """Add words (one each, or a pasted block: one per line, or separated by commas); a word
    already listed takes the new action. Returns how many were added or changed."""
    require_wordlist_editor(user)
    _check_action(action)
    cleaned = list(dict.fromkeys(w for w in (_clean_word(w) for w in words) if w))
    if not cleaned:
        raise ValidationError(_("请至少填写一个词语。"))
    if len(cleaned) > MAX_BULK_WORDS:
        raise ValidationError(_("一次最多添加 %(n)d 个词语。") % {"n": MAX_BULK_WORDS})
    existing = dict(
        SensitiveWord.objects.filter(word_list=word_list, word__in=cleaned).values_list(
            "word", "action"
        )
    )
    new = [
        SensitiveWord(word_list=word_list, word=w, action=action, created_by=user)
        for w in cleaned
        if w not in existing
    ]
    SensitiveWord.objects.bulk_create(new, batch_size=1000)
    changed = [w for w, a in existing.items() if a != action]
    if changed:
        SensitiveWord.objects.filter(word_list=word_list, word__in=changed).update(action=action)
    if new or changed:
        _bump(word_list, user)
    return len(new) + len(changed)


_SPLIT_RE = re.compile(r"[\n\r,，、;；\t]+")


def words_parse(pasted: str) -> list[str]:
    """A pasted block: one word per line, or separated by commas, 、 or semicolons."""
    return [w.strip() for w in _SPLIT_RE.split(pasted or "") if w.strip()]


@transaction.atomic
def words_remove(*, user, word_list: WordList, ids: Iterable[int]) -> int:
    require_wordlist_editor(user)
    deleted, _rows = SensitiveWord.objects.filter(word_list=word_list, pk__in=list(ids)).delete()
    if deleted:
        _bump(word_list, user)
    return deleted


# --- the check every write runs ---------------------------------------------------------------

_TAG_RE = re.compile(r"(<[^>]*>)")


def _mask_html(wf: wordfilter.WordFilter, html: str) -> str:
    """Mask replace-words in the text between tags (never inside a tag or an attribute)."""
    parts = _TAG_RE.split(html)
    return "".join(p if i % 2 else (wf.mask(p) if p else p) for i, p in enumerate(parts))


def _plain(html: str) -> str:
    return textlib.html_to_text(html)


def content_check_listener(*, texts, html_fields, kind, user, **kwargs):
    """common.hooks.content_check: the word lists over every text (block raises, review holds,
    replace masks), then for comments the spam rules (they hold)."""
    wf = word_filter()
    verdict = Verdict(texts={})
    if wf.size:
        for name, text in texts.items():
            is_html = name in html_fields
            result = wf.check(_plain(text) if is_html else text)
            if result.action is None:
                continue
            if result.blocked:
                raise ValidationError(wordfilter.BLOCK_MESSAGE, code="sensitive_word")
            if result.held:
                verdict.held = True
                verdict.findings.append(("sensitive_word", _("%(f)s 含需审核词语") % {"f": name}))
            if any(h.action == wordfilter.REPLACE for h in result.hits):
                verdict.texts[name] = _mask_html(wf, text) if is_html else result.text
    if kind == "comment" and user is not None and getattr(user, "pk", None):
        text = verdict.texts.get("body", texts.get("body", ""))
        for finding in comment_spam_findings(user=user, text=text):
            verdict.held = True
            verdict.findings.append((finding.rule, finding.detail))
    return verdict


def comment_spam_findings(*, user, text: str, now=None) -> list[spam.Finding]:
    """The post rules (young_links, repeated_text, domain_flood) over a new comment. Reads: the
    writer's comments of the repeat window and, only when the text links a domain, the
    window's comments that mention it."""
    rules = spam.configured()
    now = now or timezone.now()
    repeat = rules["repeated_text"]
    recent = []
    if repeat.get("enabled", True):
        recent = list(
            Comment.objects.filter(
                user=user, created_at__gte=now - timedelta(hours=repeat["window_hours"])
            )
            .order_by("-created_at")
            .values_list("body", flat=True)[:200]
        )
    counts: dict[str, int] = {}
    flood = rules["domain_flood"]
    linked = spam.domains(text)
    if flood.get("enabled", True) and linked:
        since = now - timedelta(hours=flood["window_hours"])
        for domain in linked:
            counts[domain] = Comment.objects.filter(
                created_at__gte=since, body__icontains=domain
            ).count()
    return spam.check_post(
        text=text,
        joined_at=user.date_joined,
        now=now,
        recent_texts=recent,
        domain_counts=counts,
        rules=rules,
    )


def content_saved_listener(*, kind, obj, user, verdict, **kwargs):
    """common.hooks.content_saved: one SpamFlag per finding against the saved object."""
    object_kind = {"profile": SpamFlag.Kind.USER}.get(kind, kind)
    object_id = obj.pk
    SpamFlag.objects.bulk_create(
        SpamFlag(
            rule=rule,
            user=user if getattr(user, "pk", None) else None,
            object_kind=object_kind,
            object_id=object_id,
            evidence=str(evidence)[:500],
        )
        for rule, evidence in verdict.findings
    )


def signup_check_listener(*, data, **kwargs) -> bool:
    """accounts.hooks.signup_check: the honeypot rule. A hit is recorded (no account is
    created) and refuses the sign-up."""
    rule = spam.configured()["honeypot"]
    if not rule.get("enabled", True):
        return False
    finding = spam.honeypot(data=data, **rule)
    if finding is None:
        return False
    SpamFlag.objects.create(
        rule=finding.rule,
        object_kind=SpamFlag.Kind.SIGNUP,
        evidence=f"{finding.detail}: {str(data.get(rule['field'], ''))[:200]}",
    )
    return True


# --- reaction rings ----------------------------------------------------------------------------


@transaction.atomic
def reaction_rings_refresh(*, now=None) -> int:
    """The periodic job: find the rings among the likes of the window (spam.reaction_rings),
    replace RingMember, and recount each affected article's ``ring_like_count`` (the likes its
    ring members gave it) so their likes stop counting toward the hot score. Returns the
    number of ring members."""
    rule = spam.configured()["reaction_ring"]
    now = now or timezone.now()
    members: dict[int, tuple[int, int]] = {}
    if rule.get("enabled", True):
        since = now - timedelta(days=rule["window_days"])
        pairs = ArticleLike.objects.filter(created_at__gte=since).values_list(
            "user_id", "article__creator__user_id"
        )
        rings = spam.reaction_rings(pairs, **rule)
        for number, ring in enumerate(rings, start=1):
            for user_id in ring:
                members[user_id] = (number, len(ring))
    old = set(RingMember.objects.values_list("user_id", flat=True))
    RingMember.objects.all().delete()
    RingMember.objects.bulk_create(
        RingMember(user_id=u, ring=n, ring_size=size) for u, (n, size) in members.items()
    )
    touched = set(
        ArticleLike.objects.filter(user_id__in=old | set(members)).values_list(
            "article_id", flat=True
        )
    )
    touched |= set(Article.objects.filter(ring_like_count__gt=0).values_list("pk", flat=True))
    counts = dict(
        ArticleLike.objects.filter(article_id__in=touched, user_id__in=set(members))
        .values("article_id")
        .annotate(n=Count("id"))
        .values_list("article_id", "n")
    )
    for article_id in sorted(touched):
        n = counts.get(article_id, 0)
        if (
            Article.objects.filter(pk=article_id)
            .exclude(ring_like_count=n)
            .update(ring_like_count=n)
        ):
            article_engagement_changed(article_id=article_id)
    return len(members)


# --- held comments: operators and the article's creator ----------------------------------------


def can_moderate_comment(user, comment: Comment) -> bool:
    """The article's creator or a content operator."""
    if not (user and user.is_authenticated):
        return False
    creator_user = (
        Article.objects.filter(pk=comment.article_id).values_list("creator__user_id", flat=True)
    ).first()
    return creator_user == user.pk or is_content_operator(user)


def _require_comment_moderator(user, comment: Comment) -> None:
    if not can_moderate_comment(user, comment):
        raise PermissionDenied(_("只有文章作者或审核人员可以处理这条跟贴。"))


def comment_approve(*, user, comment: Comment) -> bool:
    """Show a held comment (先审后显 or held by a rule)."""
    _require_comment_moderator(user, comment)
    return engagement_services.comment_moderation_set(comment=comment, state=Comment.State.VISIBLE)


def comment_remove(*, user, comment: Comment, reason: str = "") -> bool:
    """Take a comment down (by the article's creator under their own article, or an
    operator); the row stays, as every moderation removal does."""
    _require_comment_moderator(user, comment)
    return engagement_services.comment_moderation_set(comment=comment, state=Comment.State.REMOVED)


def comments_bulk(*, user, ids: Iterable[int], decision: str) -> int:
    """Operators' bulk approve/remove over held comments."""
    require_content_operator(user)
    done = 0
    for comment in Comment.objects.filter(pk__in=list(ids)):
        if decision == "approve":
            done += bool(comment_approve(user=user, comment=comment))
        elif decision == "remove":
            done += bool(comment_remove(user=user, comment=comment))
    return done


@transaction.atomic
def article_comment_mode_set(*, user, article: Article, mode: str) -> Article:
    """The creator (or an operator) sets an article's comments open, 先审后显 or closed."""
    if mode not in Article.CommentMode.values:
        raise ValidationError(_("请选择跟贴设置。"))
    owner = Article.objects.filter(pk=article.pk).values_list("creator__user_id", flat=True)
    if not (user.is_authenticated and (owner.first() == user.pk or is_content_operator(user))):
        raise PermissionDenied(_("只有文章作者可以修改跟贴设置。"))
    Article.objects.filter(pk=article.pk).update(comment_mode=mode)
    article.comment_mode = mode
    transaction.on_commit(lambda: bump_tags(article_tag(article.pk)))
    return article


# --- before an article goes public: review-words and the 原创 check ----------------------------


def _article_texts(article: Article) -> dict[str, str]:
    return {"title": article.title, "summary": article.summary, "body_html": article.body_html}


def article_text(article: Article) -> str:
    """The text a fingerprint is made of: the title and the body's text."""
    return article.title + "\n" + textlib.html_to_text(article.body_html)


def originality_lookup(
    fp: originality.Fingerprint, *, creator_id: int, article_id: int | None = None
) -> tuple[int, float] | None:
    """The stored article of another creator most similar to ``fp`` at or above the threshold:
    (article id, similarity), or None. One query: the band keys' index scans, the candidates'
    signatures; then the comparison in numpy (bench/moderation.py times exactly this)."""
    candidates = (
        Fingerprint.objects.filter(bands__key__in=fp.keys)
        .exclude(creator_id=creator_id)
        .distinct()
        .values_list("article_id", "signature")
    )
    if article_id is not None:
        candidates = candidates.exclude(article_id=article_id)
    return originality.best_match(fp, [(pk, bytes(sig)) for pk, sig in candidates])


def originality_match(article: Article) -> tuple[Article, float] | None:
    """The earlier public article of another creator that ``article``'s text is at least
    OPENHAO_ORIGINALITY_THRESHOLD similar to (the most similar one), or None. One query for
    the candidates (one index scan per band key), then the slot-by-slot comparison."""
    fp = originality.fingerprint(article_text(article))
    if fp is None:
        return None
    best = originality_lookup(fp, creator_id=article.creator_id, article_id=article.pk)
    if best is None:
        return None
    matched = Article.objects.public().filter(pk=best[0]).only("id", "title").first()
    return (matched, best[1]) if matched is not None else None


def article_publish_check_listener(*, article: Article, **kwargs):
    """articles.hooks.article_publish_check: a review-word in the texts, or a near-copy of
    another creator's article (its 原创声明 comes off), sends the article to review. Returns
    the note the creator sees in the studio, or None."""
    notes = []
    wf = word_filter()
    if wf.size:
        texts = _article_texts(article)
        texts["body_html"] = textlib.html_to_text(texts["body_html"])
        if any(wf.check(t).held for t in texts.values() if t):
            notes.append(_("内容含需要审核的词语"))
            ArticleHold.objects.create(article_id=article.pk, reason=ArticleHold.Reason.WORD)
    match = originality_match(article)
    if match is not None:
        matched, score = match
        article.is_original = False
        notes.append(
            _("与《%(title)s》（%(url)s）相似度 %(score)d%%，不能声明原创")
            % {"title": matched.title, "url": matched.get_absolute_url(), "score": score * 100}
        )
        ArticleHold.objects.create(
            article_id=article.pk,
            reason=ArticleHold.Reason.ORIGINALITY,
            matched=matched,
            similarity=score,
        )
    return "；".join(notes) or None


def article_holds_close(*, article_id: int) -> int:
    """Staff decided the article (approve or reject): its open holds are closed."""
    return ArticleHold.objects.filter(article_id=article_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )


# --- fingerprints, kept by a task -------------------------------------------------------------


def article_changed_listener(*, article_id: int, **kwargs) -> None:
    """articles.hooks.article_changed: store (or drop) the article's fingerprint after the
    commit, in a task (jieba and MinHash cost a few milliseconds per article)."""
    from . import tasks

    transaction.on_commit(lambda: tasks.fingerprint_store_task.enqueue(article_id))


@transaction.atomic
def fingerprint_store(*, article_id: int) -> bool:
    """The fingerprint of a public article, replaced; a non-public article (or one too short
    to judge) has none. True when one is stored."""
    article = (
        Article.objects.public()
        .filter(pk=article_id)
        .only("id", "creator_id", "title", "body_html", "published_at", *PUBLIC_FIELDS)
        .first()
    )
    fp = None
    if article is not None:
        fp = originality.fingerprint(article_text(article))
    if fp is None:
        Fingerprint.objects.filter(article_id=article_id).delete()
        return False
    row, _created = Fingerprint.objects.update_or_create(
        article_id=article_id,
        defaults={
            "creator_id": article.creator_id,
            "signature": fp.signature,
            "size": fp.size,
            "published_at": article.published_at,
        },
    )
    FingerprintBand.objects.filter(fingerprint=row).delete()
    FingerprintBand.objects.bulk_create(FingerprintBand(key=k, fingerprint=row) for k in fp.keys)
    return True
