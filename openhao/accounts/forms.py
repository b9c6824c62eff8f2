from django import forms
from django.utils.translation import gettext_lazy as _

from .services import avatar_normalise


class ProfileForm(forms.Form):
    nickname = forms.CharField(label=_("昵称"), max_length=30, required=False)
    motto = forms.CharField(label=_("签名"), max_length=80, required=False)
    # A FileField, not an ImageField: avatar_normalise does the (stricter) image checks.
    avatar = forms.FileField(
        label=_("头像"),
        required=False,
        help_text=_("JPEG、PNG、WebP 或 GIF，不超过 2 MB，将裁剪为正方形。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    clear_avatar = forms.BooleanField(label=_("删除当前头像"), required=False)

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        return avatar_normalise(upload) if upload else None
