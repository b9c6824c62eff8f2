from django import forms
from django.utils.translation import gettext_lazy as _

from . import hooks
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


class _HoneypotBoundField(forms.BoundField):
    def css_classes(self, extra_classes=None):
        return "honeypot"


class HoneypotField(forms.CharField):
    """A text field people never see (its paragraph is hidden by the stylesheet, it is out of
    the tab order and its label says to leave it empty); robots that fill every input do."""

    def get_bound_field(self, form, field_name):
        return _HoneypotBoundField(form, self, field_name)


HONEYPOT_FIELD = "website"


class SignupExtraForm(forms.Form):
    """ACCOUNT_SIGNUP_FORM_CLASS: allauth's sign-up form inherits from it. It adds the
    honeypot (spam rule ``honeypot``, moderation): a filled one refuses the sign-up with a
    message that gives nothing away."""

    website = HoneypotField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if any(hooks.signup_check.run(data={HONEYPOT_FIELD: self.data.get(HONEYPOT_FIELD, "")})):
            raise forms.ValidationError(_("注册暂时无法完成，请稍后再试。"), code="refused")
        return cleaned

    def signup(self, request, user):
        """allauth calls this after creating the account; nothing more to store."""
