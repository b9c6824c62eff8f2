from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from openhao.common.admin import SafeManyToManyAdmin

from .models import Badge, Creator, CreatorApplication


class BadgeForm(forms.ModelForm):
    # The palette only: each colour is a class in site.css (no inline styles under the CSP).
    color = forms.ChoiceField(label=_("颜色"), choices=Badge.Colour.choices)

    class Meta:
        model = Badge
        fields = ("slug", "name", "description", "symbol", "color")


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    form = BadgeForm
    list_display = ("name", "slug", "symbol", "color")


@admin.register(Creator)
class CreatorAdmin(SafeManyToManyAdmin, admin.ModelAdmin):
    list_display = ("display_name", "user", "verified", "article_count", "follower_count")
    list_filter = ("verified", "badges")
    search_fields = ("display_name", "user__username")
    raw_id_fields = ("user",)
    filter_horizontal = ("badges",)
    readonly_fields = ("article_count", "follower_count")


@admin.register(CreatorApplication)
class CreatorApplicationAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the review queue (/review/), which audits them."""

    list_display = ("display_name", "user", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("display_name", "user__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
