from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from openhao.articles.editor_strings import EDITOR_STRINGS
from openhao.articles.sanitize import TEXT_EDITOR_EXTENSIONS, sanitize_body
from openhao.articles.services import topic_names_clean, topics_get_or_create
from openhao.common.admin import SafeModelMultipleChoiceField

from .models import Campaign, RewardTier

_DT = "%Y-%m-%dT%H:%M"

# The site's text editor without images (a description has no uploads of its own); the same
# server-side sanitiser as an article body, and Campaign.save runs it again for any other write.
DESCRIPTION_EXTENSIONS = TEXT_EDITOR_EXTENSIONS


class BeijingDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=_DT, **kwargs)


class CampaignForm(forms.ModelForm):
    # The editor's toolbar and dialogs in Chinese (js/editor-i18n.js), as in the studio.
    editor_strings = EDITOR_STRINGS

    description_html = ProseEditorFormField(
        label=_("说明"),
        required=False,
        config={"extensions": DESCRIPTION_EXTENSIONS},
        sanitize=sanitize_body,
        help_text=_("活动页顶部显示：活动主题、参与方式、注意事项。"),
    )
    hashtag = forms.CharField(
        label=_("话题（不含 #）"), max_length=40, help_text=_("带此话题发布的文章自动参赛。")
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "slug",
            "description_html",
            "starts_at",
            "ends_at",
            "settles_at",
            "channels",
            "min_chars",
            "original_only",
            "min_images",
            "min_credit",
            "max_entries",
            "budget_fen",
            "budget_points",
        ]
        # A channel id past the column's range is a form error, not a driver error.
        field_classes = {"channels": SafeModelMultipleChoiceField}
        widgets = {
            "starts_at": BeijingDateTimeInput(),
            "ends_at": BeijingDateTimeInput(),
            "settles_at": BeijingDateTimeInput(),
            "channels": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "starts_at": _("北京时间"),
            "channels": _("不选即所有频道"),
            "max_entries": _("0 表示不限"),
            "budget_fen": _("0 表示不限"),
            "budget_points": _("0 表示不限"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "settles_at"):
            self.fields[name].input_formats = [_DT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk:
            self.fields["hashtag"].initial = self.instance.topic.name

    def clean_hashtag(self):
        names = topic_names_clean([self.cleaned_data["hashtag"].strip("#＃ ")])
        if not names:
            raise forms.ValidationError(_("请填写话题。"))
        return names[0]

    def clean(self):
        data = super().clean()
        start, end, settle = data.get("starts_at"), data.get("ends_at"), data.get("settles_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("截止时间须晚于开始时间。"))
        if end and settle and settle < end:
            self.add_error("settles_at", _("结算时间不能早于截止时间。"))
        return data

    def save(self, commit=True):
        self.instance.topic = topics_get_or_create([self.cleaned_data["hashtag"]])[0]
        return super().save(commit=commit)


class TierForm(forms.ModelForm):
    class Meta:
        model = RewardTier
        fields = ["label", "every", "rank_from", "rank_to", "currency", "amount"]

    def clean(self):
        data = super().clean()
        if data.get("rank_from") and data.get("rank_to") and data["rank_to"] < data["rank_from"]:
            self.add_error("rank_to", _("截止名次不能小于起始名次。"))
        return data


TierFormSet = inlineformset_factory(
    Campaign, RewardTier, form=TierForm, extra=3, can_delete=True, max_num=20
)
