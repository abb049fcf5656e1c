"""allauth's forms with NHS labels, hints and error messages (settings ACCOUNT_FORMS/MFA_FORMS).

The behaviour (authentication, rate limits, token checks) is allauth's; only the fields'
wording and widgets change: plain-English labels, no placeholders, autocomplete hints.
"""

from __future__ import annotations

from typing import Any, cast

from allauth.account import forms as account_forms
from allauth.account.fields import EmailField
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

CODE_HINT = "Enter the 6-digit code from your authenticator app"
PASSWORDS_DIFFER = "The passwords do not match. Enter the same new password twice."


def email_field() -> EmailField:
    return EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )


def password_field(
    label: str, *, autocomplete: str, required: str, hint: str | None = None
) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=hint or "",
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": required},
    )


def new_password_hint() -> str:
    from django.conf import settings

    length = 12
    validators = cast("list[dict[str, Any]]", settings.AUTH_PASSWORD_VALIDATORS)
    for validator in validators:
        if validator["NAME"].endswith("MinimumLengthValidator"):
            length = validator.get("OPTIONS", {}).get("min_length", length)
    return (
        f"Use at least {length} characters. Do not use a common password or one that "
        "looks like your name or email address."
    )


def code_field(label: str = "Security code", hint: str = CODE_HINT) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the security code"},
    )


def _use_new_password_fields(form: forms.Form, *, first_label: str) -> None:
    """The two new-password fields, keeping allauth's validation (SetPasswordField.clean)."""
    password1 = form.fields["password1"]
    password1.label = first_label
    password1.help_text = new_password_hint()
    password1.widget = forms.PasswordInput(attrs={"autocomplete": "new-password"})
    password1.error_messages["required"] = "Enter a new password"
    form.fields["password2"] = password_field(
        "Confirm new password",
        autocomplete="new-password",
        required="Confirm your new password",
    )


class LoginForm(account_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = email_field()
        self.fields["password"] = password_field(
            "Password", autocomplete="current-password", required="Enter your password"
        )


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"] = email_field()


class _PasswordsMatchMessage:
    """allauth's "You must type the same password each time." in plain English."""

    def clean(self) -> dict[str, Any]:
        # Read before allauth's clean(): its add_error() drops password2 from cleaned_data.
        first = self.cleaned_data.get("password1")  # type: ignore[attr-defined]
        second = self.cleaned_data.get("password2")  # type: ignore[attr-defined]
        cleaned = super().clean()  # type: ignore[misc]
        if first and second and first != second:
            self._errors["password2"] = self.error_class([PASSWORDS_DIFFER])  # type: ignore[attr-defined]
        return cleaned


class ResetPasswordKeyForm(_PasswordsMatchMessage, account_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_new_password_fields(self, first_label="New password")


class ChangePasswordForm(_PasswordsMatchMessage, account_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"] = password_field(
            "Current password",
            autocomplete="current-password",
            required="Enter your current password",
        )
        _use_new_password_fields(self, first_label="New password")


class ReauthenticateForm(account_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"] = password_field(
            "Password", autocomplete="current-password", required="Enter your password"
        )


class MFAAuthenticateForm(mfa_forms.AuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"] = code_field(
            hint=f"{CODE_HINT}. If you cannot use the app, enter one of your recovery codes."
        )


class MFAReauthenticateForm(mfa_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"] = code_field()


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"] = code_field()
