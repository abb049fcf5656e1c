"""Our account pages, included under /account/ *before* allauth's URLs.

Same paths as allauth's take precedence over them (first match wins), so these replace
allauth views without renaming their URLs.
"""

from allauth.account import views as account_views
from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_required
from django.urls import path, re_path

from leder.auth import views

urlpatterns = [
    path("", views.to_account_security),
    path("security/", views.account_security, name="account_security"),
    path("login/", views.login),
    # Changing the password needs a recent confirmation (security code or password).
    path(
        "password/change/",
        login_required(reauthentication_required(account_views.password_change)),
    ),
    # MFA: our overview page, set-up that counts as this session's MFA, no switching off,
    # recovery codes shown once.
    path("2fa/", views.to_account_security),
    path("2fa/totp/activate/", views.activate_totp),
    path("2fa/totp/deactivate/", views.deactivate_totp),
    path("2fa/recovery-codes/", views.view_recovery_codes),
    path("2fa/recovery-codes/download/", views.download_recovery_codes),
    # allauth pages this service does not use: email addresses are managed by
    # administrators, and there is no sign-in by emailed code.
    path("email/", views.not_found),
    path("confirm-email/", views.not_found),
    re_path(r"^confirm-email/(?P<key>[-:\w]+)/$", views.not_found),
    path("password/set/", views.not_found),
    path("login/code/confirm/", views.not_found),
]
