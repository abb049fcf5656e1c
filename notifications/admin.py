from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from notifications.models import Notification, NotificationEmail, NotificationStatusChange


class NotificationStatusChangeInline(admin.TabularInline):
    model = NotificationStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notification)
class NotificationAdmin(SimpleHistoryAdmin):
    """Read-only: notifications change through the services and the staff screens."""

    list_display = ["reference", "status", "icb", "received_at"]
    list_filter = ["status"]
    search_fields = ["reference"]
    list_select_related = ["icb"]
    inlines = [NotificationStatusChangeInline]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(NotificationEmail)
class NotificationEmailAdmin(admin.ModelAdmin):
    list_display = ["notification", "kind", "created_at", "sent_at", "recipients_count"]
    list_filter = ["kind"]
    list_select_related = ["notification"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
