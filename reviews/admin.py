from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    Allocation,
    Case,
    CaseEmail,
    CaseHold,
    CaseProvider,
    CaseStatusChange,
    KeyEpisode,
    LearningTheme,
    MultiAgencyMeeting,
    QAReturn,
    ReviewerProfile,
    ReviewSection,
    ReviewSignOff,
    ReviewVersion,
    SupervisionComment,
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


@admin.register(ReviewSection)
class ReviewSectionAdmin(_ReadOnly):
    list_display = ["case", "key", "completed", "revision", "updated_at"]
    list_select_related = ["case"]
    search_fields = ["case__reference"]


@admin.register(KeyEpisode)
class KeyEpisodeAdmin(_ReadOnly):
    list_display = ["case", "occurred_on", "setting"]
    list_select_related = ["case"]


@admin.register(MultiAgencyMeeting)
class MultiAgencyMeetingAdmin(_ReadOnly):
    list_display = ["case", "held_on"]
    list_select_related = ["case"]


@admin.register(SupervisionComment)
class SupervisionCommentAdmin(_ReadOnly):
    list_display = ["case", "section_key", "author", "created_at", "replied_at"]
    list_select_related = ["case", "author"]


@admin.register(CaseHold)
class CaseHoldAdmin(_ReadOnly):
    list_display = ["case", "reason", "started_on", "expected_review_on", "ended_on"]
    list_select_related = ["case"]


@admin.register(QAReturn)
class QAReturnAdmin(_ReadOnly):
    list_display = ["case", "version", "by", "at"]
    list_select_related = ["case", "version", "by"]


class _AppendOnly(admin.ModelAdmin):
    """Versions and sign-offs are never changed or deleted (the database refuses too)."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ReviewVersion)
class ReviewVersionAdmin(_AppendOnly):
    list_display = ["case", "number", "review_type", "submitted_by", "submitted_at"]
    list_select_related = ["case", "submitted_by"]
    search_fields = ["case__reference"]


@admin.register(ReviewSignOff)
class ReviewSignOffAdmin(_AppendOnly):
    list_display = ["version", "by", "at"]
    list_select_related = ["version__case", "by"]


@admin.register(LearningTheme)
class LearningThemeAdmin(SimpleHistoryAdmin):
    """The managed list of learning themes: administrators add, rename and retire them
    (retire, do not delete: reviews keep the names they chose)."""

    list_display = ["name", "active", "position"]
    list_editable = ["active", "position"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from reviews.services.review import learning_theme_save

        learning_theme_save(theme=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
