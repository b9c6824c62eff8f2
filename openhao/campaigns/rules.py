"""The entry rules of a campaign, each with a code and the sentence the studio shows when an
article fails it. ``failed_rules`` checks them all (not just the first), so a creator sees
everything to fix at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from openhao.articles.models import Article
from openhao.articles.services import body_text_length
from openhao.common.hooks import moderation_credit, moderation_originality_failed

from .models import Campaign, Entry

_IMG_RE = re.compile(r"<img\b", re.IGNORECASE)


@dataclass(frozen=True)
class Failure:
    code: str
    params: dict

    def as_json(self) -> dict:
        return {"code": self.code, **self.params}


def image_count(html: str) -> int:
    return len(_IMG_RE.findall(html or ""))


def failed_rules(campaign: Campaign, article: Article, *, channel_ids: set[int]) -> list[Failure]:
    """Every rule ``article`` fails for ``campaign`` (empty: it qualifies). ``channel_ids``:
    the campaign's eligible channels (empty: all)."""
    failures = []
    moment = article.published_at
    if not campaign.is_open_at(moment):
        failures.append(Failure("period", {}))
    if channel_ids and article.channel_id not in channel_ids:
        failures.append(Failure("channel", {}))
    if campaign.min_chars:
        n = body_text_length(article.body_html)
        if n < campaign.min_chars:
            failures.append(Failure("min_chars", {"min": campaign.min_chars, "n": n}))
    if campaign.original_only:
        if not article.is_original:
            failures.append(Failure("original", {}))
        elif article.pk in moderation_originality_failed([article.pk]):
            failures.append(Failure("originality_check", {}))
    if campaign.min_images:
        n = image_count(article.body_html)
        if n < campaign.min_images:
            failures.append(Failure("min_images", {"min": campaign.min_images, "n": n}))
    # The platform's own floor for taking part in campaigns (OPENHAO_CREDIT_THRESHOLDS, shown
    # on the credit page) applies to every campaign; a campaign may ask for more.
    min_credit = max(
        campaign.min_credit or 0,
        settings.OPENHAO_CREDIT_THRESHOLDS.get("campaigns", 0),
    )
    if min_credit:
        user_id = article.creator.user_id
        credit = moderation_credit([user_id])[user_id]
        if credit < min_credit:
            failures.append(Failure("min_credit", {"min": min_credit, "n": credit}))
    if campaign.max_entries:
        n = Entry.objects.filter(campaign=campaign, creator_id=article.creator_id).count()
        if n >= campaign.max_entries:
            failures.append(Failure("max_entries", {"max": campaign.max_entries}))
    return failures


def message(failure: dict) -> str:
    """The studio's sentence for a stored failure (``Failure.as_json``)."""
    code = failure.get("code")
    texts = {
        "period": _("发布时间不在活动期内（或活动未进行）。"),
        "channel": _("文章所在频道不在本活动的参与频道内。"),
        "min_chars": _("正文至少 %(min)s 字，这篇 %(n)s 字。"),
        "original": _("本活动仅限原创：发布时请勾选“原创”。"),
        "originality_check": _("未通过原创检测。"),
        "min_images": _("正文至少需要 %(min)s 张图片，这篇 %(n)s 张。"),
        "min_credit": _("信用分需不低于 %(min)s，当前 %(n)s。"),
        "max_entries": _("每位作者最多参赛 %(max)s 篇，名额已满。"),
    }
    text = texts.get(code, _("不符合活动规则。"))
    try:
        return text % failure if "%(" in text else text
    except (KeyError, TypeError, ValueError):
        return text


def rule_lines(campaign: Campaign, channel_names: list[str]) -> list[str]:
    """The rules in words, for the campaign page and the studio."""
    lines = [_("发布时带上话题 %(tag)s，在活动期内发布即自动参赛。") % {"tag": campaign.hashtag}]
    if channel_names:
        lines.append(_("参与频道：%(names)s。") % {"names": "、".join(channel_names)})
    if campaign.min_chars:
        lines.append(_("正文不少于 %(n)s 字。") % {"n": campaign.min_chars})
    if campaign.original_only:
        lines.append(_("仅限原创作品。"))
    if campaign.min_images:
        lines.append(_("正文至少 %(n)s 张图片。") % {"n": campaign.min_images})
    if campaign.min_credit:
        lines.append(_("作者信用分不低于 %(n)s。") % {"n": campaign.min_credit})
    if campaign.max_entries:
        lines.append(_("每位作者最多 %(n)s 篇参赛。") % {"n": campaign.max_entries})
    return lines
