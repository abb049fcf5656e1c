"""Read-only admin for record requests and their outbox: they change only through the
services and pages. No file names or contents here (downloads are logged elsewhere)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.records.models import RecordEmail, RecordRequest, RecordRequestEvent


class _ReadOnly:
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EventInline(_ReadOnly, admin.TabularInline):
    model = RecordRequestEvent
    extra = 0
    readonly_fields = ("at", "kind", "by", "detail")
    fields = readonly_fields


@admin.register(RecordRequest)
class RecordRequestAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["pk", "case", "organisation", "status", "reissue_count", "created_at"]
    list_filter = ["status", "automatic"]
    search_fields = ["case__reference", "organisation__ods_code"]
    list_select_related = ["case", "organisation"]
    readonly_fields = (
        "case",
        "organisation",
        "recipient_email",
        "period_from",
        "period_to",
        "status",
        "automatic",
        "reissue_count",
        "expires_at",
        "reminded_at",
        "created_by",
        "created_at",
        "closed_at",
    )
    fields = readonly_fields
    inlines = [EventInline]


@admin.register(RecordEmail)
class RecordEmailAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "request_id", "kind", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = ["kind"]
    readonly_fields = (
        "request",
        "kind",
        "to_email",
        "created_at",
        "enqueued_at",
        "claimed_at",
        "attempts",
        "sent_at",
        "failed_at",
        "cancelled_at",
        "last_error",
        "recipients_count",
    )
    fields = readonly_fields
