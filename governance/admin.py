"""Read-only admin for support: meetings, decisions, actions and rendered documents change
only through the governance services and pages (the minutes must stay as signed)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.models import Action, Decision, GeneratedDocument, Meeting


class _ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Meeting)
class MeetingAdmin(_ReadOnly):
    list_display = ["__str__", "icb", "status", "chair", "scheduled_for"]
    list_filter = ["kind", "status"]
    list_select_related = ["icb", "chair"]


@admin.register(Decision)
class DecisionAdmin(_ReadOnly):
    list_display = ["item", "outcome", "recorded_at", "signed_off_at"]
    list_filter = ["outcome"]
    list_select_related = ["item__case", "item__meeting"]
    exclude = ["discussion_summary", "comments", "amendments", "good_practice"]


@admin.register(Action)
class ActionAdmin(_ReadOnly):
    list_display = ["reference", "icb", "owner_organisation", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["icb", "owner_organisation"]


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "icb", "meeting", "state", "pages", "render_seconds", "requested_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["icb", "meeting"]
    exclude = ["file"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
