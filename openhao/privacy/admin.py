from django.contrib import admin

from .models import AccountDeletion, DataExport


@admin.register(AccountDeletion)
class AccountDeletionAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "requested_at", "due_at", "done_at")
    list_filter = ("status",)
    readonly_fields = ("user", "requested_at", "cancelled_at", "done_at")


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "created_at", "expires_at", "size")
    list_filter = ("status",)
    exclude = ("token", "path")
