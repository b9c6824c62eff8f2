from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PASSAGE_MAX, SUGGESTION_MAX


class SuggestionForm(forms.Form):
    passage = forms.CharField(
        label=_("有误的原文"),
        max_length=PASSAGE_MAX,
        help_text=_("从正文中选取或粘贴有误的那一段。"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写有误的原文。")},
    )
    text = forms.CharField(
        label=_("纠错意见"),
        max_length=SUGGESTION_MAX,
        help_text=_("哪里有误、应当如何更正，最好附上依据。"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写纠错意见。")},
    )
