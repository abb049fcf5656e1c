from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    Allocation,
    Case,
    CaseEmail,
    CaseProvider,
    CaseStatusChange,
    ReviewerProfile,
)


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


class _ReadOnly(SimpleHistoryAdmin):
    """Read-only: these change through the services and the reviews pages."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Allocation)
class AllocationAdmin(_ReadOnly):
    list_display = ["case", "reviewer", "senior_reviewer", "allocated_at", "ended_at"]
    list_select_related = ["case", "reviewer", "senior_reviewer"]
    search_fields = ["case__reference"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(_ReadOnly):
    list_display = ["user", "training_completed_on", "max_caseload"]
    list_select_related = ["user"]


@admin.register(CaseProvider)
class CaseProviderAdmin(_ReadOnly):
    list_display = ["case", "organisation", "role", "added_at"]
    list_select_related = ["case", "organisation"]


@admin.register(CaseEmail)
class CaseEmailAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "created_at", "sent_at", "recipients_count"]
    list_filter = ["kind"]
    list_select_related = ["case"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
