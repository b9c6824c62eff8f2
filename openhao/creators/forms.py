from django import forms
from django.utils.translation import gettext_lazy as _

from openhao.common.images import validate_image_upload

from .models import CreatorApplication
from .services import display_name_taken


class ApplicationForm(forms.ModelForm):
    display_name = forms.CharField(
        label=_("号名称"),
        min_length=2,
        max_length=20,
        help_text=_("2-20 个字符，入驻后显示在你的每篇文章上，不能与其他创作者重复。"),
        error_messages={
            "required": _("请填写号名称。"),
            "min_length": _("号名称至少 2 个字符。"),
            "max_length": _("号名称最多 20 个字符。"),
        },
    )
    avatar = forms.FileField(
        label=_("头像"), required=False, help_text=_("JPEG、PNG、WebP 或 GIF，不超过 10 MB。")
    )
    motto = forms.CharField(
        label=_("签名"),
        max_length=80,
        error_messages={"required": _("请填写一句话签名。")},
    )
    intro = forms.CharField(
        label=_("自我介绍"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("你是谁，打算写什么，有哪些经历（不超过 2000 字）。"),
        error_messages={"required": _("请填写自我介绍。")},
    )
    links = forms.CharField(
        label=_("代表作品链接（可选）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个链接。"),
    )
    real_name_confirmed = forms.BooleanField(
        label=_("我确认以本人真实身份申请，并愿意在需要时完成实名认证。"),
        error_messages={"required": _("请确认实名信息。")},
    )
    rules_accepted = forms.BooleanField(
        label=_("我已阅读并同意平台内容规范：不发布违法违规、侵权、虚假或低俗内容。"),
        error_messages={"required": _("请阅读并同意平台内容规范。")},
    )

    class Meta:
        model = CreatorApplication
        fields = [
            "display_name",
            "avatar",
            "motto",
            "channel",
            "intro",
            "links",
            "real_name_confirmed",
            "rules_accepted",
        ]
        # ``channel`` is the model's own field (every channel, labelled 主要领域).
        error_messages = {"channel": {"required": _("请选择主要领域。")}}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["channel"].empty_label = _("请选择频道")

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("号名称至少 2 个字符。"))
        if display_name_taken(name, exclude_user=self.user):
            raise forms.ValidationError(_("这个号名称已被使用，请换一个。"))
        return name

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return validate_image_upload(upload)

    def clean_links(self):
        validator = forms.URLField(assume_scheme="https")
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > 10:
            raise forms.ValidationError(_("最多填写 10 个链接。"))
        cleaned = []
        for line in lines:
            try:
                cleaned.append(validator.clean(line))
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s”不是有效的网址。"), params={"link": line}
                ) from None
        return "\n".join(cleaned)
