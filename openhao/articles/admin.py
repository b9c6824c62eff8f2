from django.contrib import admin

from openhao.common.admin import ReadOnlyAdmin, SafeManyToManyAdmin

from . import hooks
from .models import Article, ArticleChange, Channel, Reference, Section, Topic


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "is_original")
    list_editable = ("order",)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "section", "box_title", "order")
    list_filter = ("section",)
    list_editable = ("order",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(ArticleChange)
class ArticleChangeAdmin(ReadOnlyAdmin):
    """The public change log, read-only: it records what readers saw, so nobody rewrites it."""

    list_display = ("article", "kind", "at", "note", "label")
    list_filter = ("kind",)
    raw_id_fields = ("article", "revision")
    search_fields = ("note",)


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0


@admin.register(Article)
class ArticleAdmin(SafeManyToManyAdmin, admin.ModelAdmin):
    list_display = ("title", "creator", "channel", "status", "is_pinned", "published_at")
    list_filter = ("status", "is_pinned", "is_original", "channel")
    list_editable = ("is_pinned",)
    search_fields = ("title",)
    raw_id_fields = ("creator",)
    autocomplete_fields = ("topics",)
    date_hierarchy = "published_at"
    list_select_related = ("creator", "channel")
    inlines = [ReferenceInline]
    readonly_fields = (
        "view_count",
        "comment_count",
        "like_count",
        "share_count",
        "ring_like_count",
        # Kept by the corrections service with its log; an admin edit must not reset it.
        "correction_count",
    )

    def save_related(self, request, form, formsets, change):
        # After the topics are saved: staff edits (title, status, channel, topics) reach the
        # hot score, keywords, related lists and the search index like a service write does.
        super().save_related(request, form, formsets, change)
        hooks.article_changed.run(article_id=form.instance.pk)
