from django.contrib import admin

from .models import ReviewRecord


@admin.register(ReviewRecord)
class ReviewRecordAdmin(admin.ModelAdmin):
    """The append-only audit trail: viewable, never editable or deletable."""

    list_display = ("created_at", "staff", "decision", "application", "article", "reason")
    list_filter = ("decision",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
