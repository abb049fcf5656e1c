"""Django admin for the core models. Users are written only through leder.services.users.

The admin site signs in through allauth (password and security code): its own login page
redirects there, keeping ``?next=``, and MFARequiredMiddleware guards every admin URL.
"""

from __future__ import annotations

from typing import Any, cast

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from leder.models import AccessLog, Organisation, User
from leder.roles import Role
from leder.services.users import (
    user_change,
    user_deactivate,
    user_invitation_resend,
    user_invite,
    user_mfa_reset,
    user_reactivate,
    validate_roles_for_icb,
)

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "LeDeR administration"
admin.site.site_title = "LeDeR administration"


def _actor(request: HttpRequest) -> User:
    """The signed-in administrator (admin views are never anonymous)."""
    return cast(User, request.user)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "org_type", "parent_icb", "is_active"]
    list_filter = ["org_type", "is_active"]
    search_fields = ["name", "ods_code", "postcode"]
    list_select_related = ["parent_icb"]
    raw_id_fields = ["parent_icb"]


class UserForm(forms.ModelForm):
    """Details and roles. Saved by user_invite (add) or user_change (change)."""

    roles = forms.TypedMultipleChoiceField(
        choices=Role.choices,
        coerce=Role,
        widget=forms.CheckboxSelectMultiple,
        help_text="ICB roles need an ICB; national roles have none. "
        "System administrators can use this admin site.",
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "icb"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = [r.value for r in self.instance.roles]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("There is already an account with this email address")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "roles" in cleaned:
            try:
                validate_roles_for_icb(roles=cleaned["roles"], icb=cleaned.get("icb"))
            except ValidationError as error:
                self.add_error("roles", error)
        return cleaned

    def _post_clean(self) -> None:
        # The instance is written by the services, not by ModelForm.save().
        pass


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    form = UserForm
    list_display = ["email", "full_name", "icb", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups", "icb"]
    search_fields = ["email", "full_name"]
    list_select_related = ["icb"]
    readonly_fields = ["is_active", "is_staff", "last_login", "date_joined"]
    actions = ["deactivate", "reactivate", "reset_mfa", "resend_invitation"]
    add_fieldsets = [
        (
            "Invite a person",
            {
                "fields": ["email", "full_name", "job_title", "icb", "roles"],
                "description": "They will get an email with a link to set their password, "
                "and must set up an authenticator app when they first sign in.",
            },
        )
    ]
    change_fieldsets = [
        (None, {"fields": ["email", "full_name", "job_title", "icb", "roles"]}),
        ("Status", {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        details = {
            "email": data["email"],
            "full_name": data["full_name"],
            "job_title": data.get("job_title", ""),
            "icb": data.get("icb"),
            "roles": set(data["roles"]),
        }
        if change:
            user_change(user=obj, by=_actor(request), **details)
            return
        user = user_invite(invited_by=_actor(request), **details)
        # The admin goes on to log and redirect with ``obj``: make it the new user.
        obj.pk = user.pk
        obj._state.adding = False
        obj._state.db = user._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Roles were set by the service; there are no other relations to save."""

    def response_add(self, request: HttpRequest, obj: User, post_url_continue: Any = None) -> Any:
        self.message_user(request, f"Invitation sent to {obj.email}.", messages.SUCCESS)
        return super().response_add(request, obj, post_url_continue)

    def _for_each(
        self, request: HttpRequest, queryset: QuerySet[User], service: Any, done: str
    ) -> None:
        count = 0
        for user in queryset:
            try:
                service(user)
            except ValidationError as error:
                self.message_user(request, f"{user.email}: {error.messages[0]}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)

    @admin.action(description="Deactivate (sign out everywhere, no more sign-in)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._for_each(
            request,
            queryset,
            lambda user: user_deactivate(
                user=user, by=_actor(request), reason="by an administrator in the admin site"
            ),
            "Deactivated {count} account(s). Their sessions have ended.",
        )

    @admin.action(description="Reactivate")
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._for_each(
            request,
            queryset,
            lambda user: user_reactivate(
                user=user, by=_actor(request), reason="by an administrator in the admin site"
            ),
            "Reactivated {count} account(s).",
        )

    @admin.action(description="Reset sign-in security (lost authenticator app)")
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._for_each(
            request,
            queryset,
            lambda user: user_mfa_reset(
                user=user, by=_actor(request), reason="by an administrator in the admin site"
            ),
            "Reset sign-in security for {count} account(s): they must set up an "
            "authenticator app at their next sign-in.",
        )

    @admin.action(description="Send a new invitation email")
    def resend_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._for_each(
            request,
            queryset,
            lambda user: user_invitation_resend(user=user),
            "Sent {count} invitation email(s).",
        )


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
