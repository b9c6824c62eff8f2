from django.contrib import admin

from .models import Badge, Creator


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "symbol", "color")


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "verified", "article_count", "follower_count")
    list_filter = ("verified", "badges")
    search_fields = ("display_name", "user__username")
    raw_id_fields = ("user",)
    filter_horizontal = ("badges",)
    readonly_fields = ("article_count", "follower_count")
