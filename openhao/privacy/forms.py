from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccountDeletion


class DeletionForm(forms.Form):
    password = forms.CharField(
        label=_("当前密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("为确认是您本人操作，请再次输入密码。"),
    )
    comments = forms.ChoiceField(
        label=_("您发表的跟贴"),
        choices=AccountDeletion.Comments.choices,
        initial=AccountDeletion.Comments.KEEP,
        widget=forms.RadioSelect,
    )
    articles = forms.ChoiceField(
        label=_("您发布的文章"),
        choices=AccountDeletion.Articles.choices,
        initial=AccountDeletion.Articles.UNPUBLISH,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, is_creator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_creator:
            # A reader has no articles: the choice is not shown, the default stands.
            self.fields["articles"].required = False
            self.fields["articles"].widget = forms.HiddenInput()
            self.initial.setdefault("articles", AccountDeletion.Articles.UNPUBLISH)

    def clean_articles(self):
        return self.cleaned_data.get("articles") or AccountDeletion.Articles.UNPUBLISH
