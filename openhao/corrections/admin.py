from django.contrib import admin

from .models import Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("article", "user", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("article", "user", "change", "revision")
    readonly_fields = ("created_at", "decided_at")
