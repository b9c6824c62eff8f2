from django.contrib import admin

from .models import Comment, Follow


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "article", "user", "depth", "vote_count", "is_deleted", "created_at")
    list_filter = ("is_deleted",)
    raw_id_fields = ("article", "user", "parent", "root")
    readonly_fields = ("body_html", "vote_count")
    search_fields = ("body",)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "creator", "created_at")
    raw_id_fields = ("user", "creator")
