from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUrlForm(forms.Form):
    url = forms.URLField(
        label=_("文章网址"),
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://", "class": "wide-input"}),
    )


class ImportHtmlForm(forms.Form):
    html = forms.CharField(
        label=_("网页 HTML"),
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 8, "class": "wide-input"}),
    )


class FeedForm(forms.Form):
    url = forms.URLField(
        label=_("RSS / Atom 订阅地址"),
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://", "class": "wide-input"}),
    )
    auto_publish = forms.BooleanField(
        label=_("新文章直接发布（仅在你已通过先审后发后生效，否则存为草稿）"), required=False
    )
