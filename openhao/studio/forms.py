"""Forms of the studio editor. The body arrives as HTML from django-prose-editor (or from a
plain textarea without JavaScript) and is sanitised on the server whatever the editor did."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from openhao.articles.editor_strings import EDITOR_STRINGS
from openhao.articles.models import Article, ArticleRevision, Channel
from openhao.articles.sanitize import TEXT_EDITOR_EXTENSIONS, sanitize_body
from openhao.articles.services import (
    CORRECTION_NOTE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    ReferenceData,
    validate_body_length,
)
from openhao.articles.validators import validate_topic_name
from openhao.common.images import validate_image_upload
from openhao.common.params import parse_id

# What the editor offers: the site's text extensions with one more heading level and images.
EDITOR_EXTENSIONS = {
    **TEXT_EDITOR_EXTENSIONS,
    "Heading": {"levels": [2, 3, 4]},
    "Figure": True,
    "Caption": True,
    "Image": True,
}
MAX_TOPICS = 5
_TOPIC_SPLIT = re.compile(r"[\s,，、#＃]+")


class ArticleForm(forms.Form):
    # The editor's toolbar and dialogs in the page's language (js/editor-i18n.js).
    editor_strings = EDITOR_STRINGS

    title = forms.CharField(
        label=_("标题"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text=_("5-64 个字。"),
        error_messages={
            "required": _("请填写标题。"),
            "min_length": _("标题至少 %(limit_value)d 个字（现在 %(show_value)d 个）。"),
            "max_length": _("标题最多 %(limit_value)d 个字（现在 %(show_value)d 个）。"),
        },
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX, "autocomplete": "off"}),
    )
    channel = forms.ModelChoiceField(
        label=_("频道"),
        queryset=Channel.objects.all(),
        empty_label=_("请选择频道"),
        error_messages={"required": _("请选择频道。")},
    )
    body_html = ProseEditorFormField(
        label=_("正文"),
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitize_body,
        error_messages={"required": _("请填写正文。")},
    )
    summary = forms.CharField(
        label=_("摘要（可选）"),
        max_length=200,
        required=False,
        help_text=_("不填时自动取正文开头。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cover = forms.FileField(
        label=_("封面图片（可选）"),
        required=False,
        help_text=_("JPEG、PNG、WebP 或 GIF，不超过 10 MB。"),
    )
    cover_alt = forms.CharField(
        label=_("封面图片说明"),
        max_length=120,
        required=False,
        help_text=_("用一句话描述图片内容，供读屏软件朗读；有封面时发布前必须填写。"),
    )
    topics = forms.CharField(
        label=_("话题"),
        required=False,
        help_text=_("最多 5 个，用空格或逗号分隔，例如：春季图文激励计划 城市跑步"),
    )
    is_original = forms.BooleanField(
        label=_("原创声明：本文由我独立创作，未抄袭、洗稿他人作品"), required=False
    )
    scheduled_at = forms.DateTimeField(
        label=_("定时发布（可选，北京时间）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": _("请按“年-月-日 时:分”填写定时发布时间。")},
    )

    # Shown for a published article only (editor.html): the edit is a public 更正 with a note.
    is_correction = forms.BooleanField(
        label=_("这是一次更正：修正了已发布内容中的错误（将公开显示在更正记录中）"),
        required=False,
    )
    correction_note = forms.CharField(
        label=_("更正说明"),
        max_length=CORRECTION_NOTE_MAX,
        required=False,
        help_text=_("向读者说明更正了什么，例如：原文将日期误写为 5 月 3 日，已更正为 5 月 4 日。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The reader's 纠错 this edit accepts (the studio's 采纳 link); checked again on save.
    suggestion = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("is_correction"):
            if not (data.get("correction_note") or "").strip():
                self.add_error("correction_note", _("标记为更正时，请填写更正说明。"))
        else:
            data["correction_note"] = ""
        return data

    def clean_body_html(self):
        html = self.cleaned_data["body_html"]
        validate_body_length(html)
        return html

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        return validate_image_upload(upload) if upload else None

    def clean_topics(self):
        names = [n for n in _TOPIC_SPLIT.split(self.cleaned_data["topics"]) if n]
        names = list(dict.fromkeys(names))
        if len(names) > MAX_TOPICS:
            raise forms.ValidationError(_("最多添加 %(n)d 个话题。"), params={"n": MAX_TOPICS})
        if any(len(n) > 40 for n in names):
            raise forms.ValidationError(_("每个话题最多 40 个字。"))
        errors = []
        for name in names:
            try:
                validate_topic_name(name)
            except forms.ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return names

    def clean_scheduled_at(self):
        at = self.cleaned_data.get("scheduled_at")
        if at is None:
            return None
        now = timezone.now()
        if at <= now:
            raise forms.ValidationError(_("定时发布时间必须晚于现在。"))
        if at > now + timedelta(days=30):
            raise forms.ValidationError(_("定时发布最多可以设置在 30 天以内。"))
        return at

    @classmethod
    def initial_for(cls, article: Article, *, revision: ArticleRevision | None = None) -> dict:
        """The form filled from ``article``, or from its pending ``revision`` (the edit the
        creator is still working on)."""
        version = revision or article
        topics = revision.topic_names if revision else [t.name for t in article.topics.all()]
        return {
            "title": version.title,
            "channel": version.channel_id,
            "body_html": version.body_html,
            "summary": version.summary,
            "cover_alt": version.cover_alt,
            "topics": " ".join(topics),
            "is_original": version.is_original,
            "is_correction": bool(revision and revision.correction_note),
            "correction_note": revision.correction_note if revision else "",
            "scheduled_at": timezone.localtime(article.scheduled_at)
            if article.scheduled_at
            else None,
        }


# Django's own message for this (in its zh-hans catalogue) speaks of an empty string.
NUL_MESSAGES = {"null_characters_not_allowed": _("内容含有无效的空字符（NUL），无法保存。")}


class AutosaveForm(forms.Form):
    """What the editor's autosave sends. Lenient where the full form is strict (a half-typed
    title or body is kept as it is, the title cut to its column), but every value is checked:
    a channel that is not an id of a channel, or a NUL (refused by PostgreSQL), is a 400."""

    title = forms.CharField(required=False, error_messages=NUL_MESSAGES)
    body_html = forms.CharField(
        required=False,
        strip=False,
        max_length=settings.OPENHAO_BODY_MAX_CHARS * 10,
        error_messages={"max_length": _("正文太长，无法自动保存。"), **NUL_MESSAGES},
    )
    channel = forms.CharField(required=False, error_messages=NUL_MESSAGES)

    def clean_title(self):
        return self.cleaned_data["title"][:TITLE_MAX]

    def clean_channel(self):
        raw = self.cleaned_data["channel"]
        if not raw:
            return None
        pk = parse_id(raw)
        channel = Channel.objects.filter(pk=pk).first() if pk else None
        if channel is None:
            raise forms.ValidationError(_("请选择有效的频道。"))
        return channel

    def error_text(self) -> str:
        return " ".join(message for errors in self.errors.values() for message in errors)


class ReferenceForm(forms.Form):
    title = forms.CharField(label=_("资料标题"), max_length=200, required=False)
    source = forms.CharField(label=_("来源"), max_length=100, required=False)
    url = forms.URLField(
        label=_("链接"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("请输入以 http:// 或 https:// 开头的有效网址。")},
    )

    def clean(self):
        data = super().clean()
        if (data.get("source") or data.get("url")) and not data.get("title"):
            self.add_error("title", _("填写了来源或链接时，请同时填写资料标题。"))
        return data


ReferenceFormSet = forms.formset_factory(ReferenceForm, extra=2, max_num=20, validate_max=True)


def references_from(formset) -> list[ReferenceData]:
    return [
        ReferenceData(title=f["title"], source=f.get("source", ""), url=f.get("url", ""))
        for f in (form.cleaned_data for form in formset.forms)
        if f and f.get("title") and not f.get("DELETE")
    ]
