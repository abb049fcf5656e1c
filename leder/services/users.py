"""Staff accounts: invitation, changes, deactivation, sign-in security reset.

Accounts are by invitation only. An invited person gets an email with a link to set their
password (allauth's password-reset key: it works once and expires after
settings.PASSWORD_RESET_TIMEOUT); on first sign-in they must set up an authenticator app.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from leder.auth.adapter import reset_link_expiry, site_url
from leder.lib.history import history_save
from leder.models import Organisation, User
from leder.roles import Role
from leder.services.roles import user_set_roles


def validate_roles_for_icb(*, roles: Iterable[Role], icb: Organisation | None) -> None:
    """ICB roles need an ICB; national roles alone need none (as user_set_roles checks)."""
    roles = set(roles)
    if not roles:
        raise ValidationError("Choose at least one role")
    if any(not r.is_national for r in roles) and icb is None:
        raise ValidationError("Choose the ICB this person works for")
    if all(r.is_national for r in roles) and icb is not None:
        raise ValidationError("National roles are not tied to an ICB: remove the ICB")


def _is_staff_for(roles: Iterable[Role], user: User) -> bool:
    """Admin-site access: system administrators (and superusers, made from the shell)."""
    return Role.SYSTEM_ADMINISTRATOR in set(roles) or user.is_superuser


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _email_in_use(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
        addresses = addresses.exclude(user_id=exclude.pk)
    return users.exists() or addresses.exists()


def _set_primary_email(user: User, email: str) -> None:
    """One allauth address row, the user's own: an old address must not still sign in."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": False}
    )
    if not address.primary:
        address.primary = True
        address.save(update_fields=["primary"])


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str,
    icb: Organisation | None,
    roles: Iterable[Role],
    invited_by: User | None,
    job_title: str = "",
) -> User:
    """Create a staff account with no usable password and email them an invitation."""
    email = _normalise_email(email)
    roles = set(roles)
    if not email:
        raise ValidationError("Enter an email address")
    if _email_in_use(email):
        raise ValidationError("There is already an account with this email address")
    validate_roles_for_icb(roles=roles, icb=icb)
    user = User(email=email, full_name=full_name.strip(), job_title=job_title, icb=icb)
    user.set_unusable_password()
    user.is_staff = _is_staff_for(roles, user)
    history_save(user, by=invited_by, reason="Invited")
    user_set_roles(user=user, roles=roles)
    _set_primary_email(user, email)
    transaction.on_commit(lambda: invitation_send(user=user))
    return user


def invitation_send(*, user: User) -> None:
    """Email the set-your-password link. Called after the account is committed."""
    token = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    context = {
        "full_name": user.full_name,
        "set_password_url": site_url(path),
        "sign_in_url": site_url(reverse("account_login")),
        "link_expiry": reset_link_expiry(),
        "service_name": settings.SERVICE_NAME,
    }
    subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=render_to_string("emails/invitation_body.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("emails/invitation_body.html", context), "text/html"
    )
    message.send()


def user_invitation_resend(*, user: User) -> None:
    """A fresh set-your-password link (any earlier link still works until it expires)."""
    if not user.is_active:
        raise ValidationError("This account has been deactivated")
    transaction.on_commit(lambda: invitation_send(user=user))


@transaction.atomic
def user_change(
    *,
    user: User,
    by: User | None,
    email: str,
    full_name: str,
    job_title: str,
    icb: Organisation | None,
    roles: Iterable[Role],
) -> User:
    """Change a person's details and roles (admin site). Activation has its own services."""
    email = _normalise_email(email)
    roles = set(roles)
    if _email_in_use(email, exclude=user):
        raise ValidationError("There is already an account with this email address")
    validate_roles_for_icb(roles=roles, icb=icb)
    user.email, user.full_name, user.job_title, user.icb = email, full_name, job_title, icb
    user.is_staff = _is_staff_for(roles, user)
    history_save(user, by=by, reason="Details changed")
    user_set_roles(user=user, roles=roles)
    _set_primary_email(user, email)
    return user


def user_sessions_end(*, user: User) -> int:
    """Delete every session of ``user`` on the server. Returns how many were ended.

    Sessions are stored by key, not by user, so this reads each live session: fine for a
    staff service's few thousand sessions.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    model = store_class.get_model_class()
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in model.objects.iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None, reason: str) -> User:
    """Close an account: it can no longer sign in, and every open session ends now."""
    if by is not None and by.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    history_save(user, by=by, reason=f"Deactivated: {reason}" if reason else "Deactivated")
    user_sessions_end(user=user)
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User | None, reason: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = True
    history_save(user, by=by, reason=f"Reactivated: {reason}" if reason else "Reactivated")
    return user


@transaction.atomic
def user_mfa_reset(*, user: User, by: User | None, reason: str) -> User:
    """Remove the person's authenticator app and recovery codes (lost or new phone).

    Their sessions end; at their next sign-in (password) they must set up the app again.
    """
    if by is not None and by.pk == user.pk:
        raise ValidationError("Ask another administrator to reset your sign-in security")
    user = User.objects.select_for_update().get(pk=user.pk)
    Authenticator.objects.filter(user=user).delete()
    history_save(
        user,
        by=by,
        reason=f"Sign-in security reset: {reason}" if reason else "Sign-in security reset",
    )
    user_sessions_end(user=user)
    return user
