from django import forms
from django.utils.translation import gettext_lazy as _

from openhao.articles.models import ModerationLabel

from .models import Report


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("驳回时请填写原因。")},
    )


def _rule_choices():
    from .credit import RULES

    return [("", _("请选择"))] + [(code, rule.label) for code, rule in RULES.items()]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("举报原因"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择举报原因。")},
    )
    text = forms.CharField(
        label=_("补充说明（选择“其他”时必填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not (data.get("text") or "").strip():
            self.add_error("text", _("选择“其他”时请说明举报理由。"))
        return data


class ActionForm(forms.Form):
    """One operator decision on one item (the fields a kind does not use are ignored)."""

    KINDS = [
        ("dismiss", _("驳回举报（未发现违规）")),
        ("remove", _("下架 / 移除")),
        ("label", _("标注谣言 / 存在争议")),
        ("warn", _("警告作者")),
        ("suspend", _("封禁作者账号")),
    ]
    kind = forms.ChoiceField(label=_("处置"), choices=KINDS, widget=forms.RadioSelect)
    rule = forms.ChoiceField(label=_("依据规则"), choices=_rule_choices, required=False)
    reason = forms.CharField(
        label=_("理由（作者可见）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.CharField(
        label=_("证据"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    label = forms.ChoiceField(
        label=_("标注"), choices=[("", _("请选择"))] + list(ModerationLabel.choices), required=False
    )
    url = forms.CharField(label=_("辟谣/更正文章链接"), max_length=300, required=False)
    days = forms.IntegerField(label=_("封禁天数"), min_value=1, max_value=3650, required=False)
    permanent = forms.BooleanField(label=_("永久封禁"), required=False)
    hide_comments = forms.BooleanField(label=_("同时隐藏其全部跟贴"), required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("remove", "label", "warn", "suspend") and not data.get("rule"):
            self.add_error("rule", _("请选择依据的规则。"))
        if kind == "suspend" and not data.get("permanent") and not data.get("days"):
            self.add_error("days", _("请填写封禁天数，或选择永久封禁。"))
        return data


class BulkForm(forms.Form):
    KINDS = [("remove", _("移除所选")), ("dismiss", _("驳回所选举报"))]
    kind = forms.ChoiceField(label=_("批量处置"), choices=KINDS)
    rule = forms.ChoiceField(label=_("依据规则"), choices=_rule_choices, required=False)
    reason = forms.CharField(label=_("理由（作者可见）"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "remove" and not data.get("rule"):
            self.add_error("rule", _("请选择依据的规则。"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写理由。")},
    )


class DecideForm(ReasonForm):
    grant = forms.ChoiceField(
        label=_("裁决"),
        choices=[("yes", _("申诉成立：撤销处置并恢复")), ("no", _("驳回申诉：维持处置"))],
        widget=forms.RadioSelect,
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("申诉理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请写明申诉理由。")},
    )
