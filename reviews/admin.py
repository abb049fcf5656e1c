from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import Case, CaseStatusChange


class CaseStatusChangeInline(admin.TabularInline):
    model = CaseStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Read-only: cases change through the service, never the admin form."""

    list_display = ["reference", "icb", "status", "review_type", "opened_at"]
    list_filter = ["status", "review_type"]
    search_fields = ["reference"]
    list_select_related = ["icb"]
    readonly_fields = ["notification", "icb", "reference", "status", "review_type", "opened_at"]
    inlines = [CaseStatusChangeInline]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
