from django.contrib import admin

from openhao.common.admin import ReadOnlyAdmin

from .models import Appeal, CreditEvent, ModerationAction, Report, ReviewRecord, Suspension


@admin.register(ReviewRecord)
class ReviewRecordAdmin(ReadOnlyAdmin):
    """The append-only audit trail: viewable, never editable or deletable."""

    list_display = ("created_at", "staff", "decision", "application", "article", "reason")
    list_filter = ("decision",)


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "actor",
        "kind",
        "target_type",
        "target_id",
        "subject_user",
        "rule",
    )
    list_filter = ("kind", "target_type")
    list_select_related = ("actor", "subject_user")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reporter", "target_type", "target_id", "reason", "status")
    list_filter = ("status", "reason", "target_type")
    list_select_related = ("reporter",)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "action", "status")
    list_filter = ("status",)


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "points", "rule", "action")
    list_select_related = ("user",)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("user", "until", "hide_comments", "lifted_at")
