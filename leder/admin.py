from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from leder.models import AccessLog, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "org_type", "parent_icb", "is_active"]
    list_filter = ["org_type", "is_active"]
    search_fields = ["name", "ods_code", "postcode"]
    list_select_related = ["parent_icb"]
    raw_id_fields = ["parent_icb"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    list_display = ["email", "full_name", "icb", "is_active"]
    list_filter = ["is_active", "groups", "icb"]
    search_fields = ["email", "full_name"]
    list_select_related = ["icb"]
    fields = ["email", "full_name", "job_title", "icb", "groups", "is_active", "is_staff"]
    filter_horizontal = ["groups"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "content_type", "object_id"]
    list_filter = ["action", "content_type"]
    list_select_related = ["user", "content_type"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
