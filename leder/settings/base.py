"""Settings shared by every profile. Everything that varies comes from the environment.

Profiles: ``leder.settings.dev`` (default for ``manage.py``), ``leder.settings.test``
(pytest) and ``leder.settings.production`` (gunicorn, Celery in containers).
The full list of variables is in docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from leder import embedded
from leder.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = embedded.VAR_DIR

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Links in emails (record-request links, invitations) are built from this, never from the
# request's Host header.
SITE_URL = env_str("LEDER_SITE_URL", "http://localhost:8000").rstrip("/")
SERVICE_NAME = "Learning from lives and deaths (LeDeR)"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # OpClass in index expressions (the trigram search indexes)
    "guardian",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "leder.apps.LederConfig",
    "notifications",
    "reviews",
    "reviews.records",
    "governance",
    "leder.retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session timeout, so its "you were signed out" message can be stored.
    "django.contrib.messages.middleware.MessageMiddleware",
    "leder.auth.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "leder.auth.middleware.MFARequiredMiddleware",
    # 403/404 answered to a signed-in person: one line on the leder.security log.
    "leder.auth.security_log.DeniedAccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "leder.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "leder.urls"
WSGI_APPLICATION = "leder.wsgi.application"

TEMPLATES = [
    {
        # Our pages: Jinja2 with the NHS.UK frontend macros (docs/adr/0002).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "leder.jinja2.environment"},
    },
    {
        # Django admin only.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database and Redis: set by each profile through leder.settings.services ----------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "leder.User"
AUTHENTICATION_BACKENDS = [
    # allauth's, reading the user and their permissions through prepared statements.
    "leder.auth.backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email login, invite-only, MFA (docs/adr/0004).
ACCOUNT_ADAPTER = "leder.auth.adapter.AccountAdapter"
MFA_ADAPTER = "leder.auth.adapter.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "LeDeR: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Lockout: failed sign-ins per account (key) and per client IP (REMOTE_ADDR only: the
# X-Forwarded-For header is not trusted unless ALLAUTH_TRUSTED_PROXY_COUNT is set).
LOGIN_FAILURE_LIMIT = env_int("LEDER_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LEDER_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"20/{LOGIN_LOCKOUT_MINUTES}m/ip,"
    f"{LOGIN_FAILURE_LIMIT}/{LOGIN_LOCKOUT_MINUTES}m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("LEDER_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
# No "you have no account" emails: the reset form must not mail arbitrary addresses.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Our forms: NHS labels and messages, no placeholders (leder/auth/forms.py).
ACCOUNT_FORMS = {
    "login": "leder.auth.forms.LoginForm",
    "reset_password": "leder.auth.forms.ResetPasswordForm",
    "reset_password_from_key": "leder.auth.forms.ResetPasswordKeyForm",
    "change_password": "leder.auth.forms.ChangePasswordForm",
    "reauthenticate": "leder.auth.forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "leder.auth.forms.MFAAuthenticateForm",
    "reauthenticate": "leder.auth.forms.MFAReauthenticateForm",
    "activate_totp": "leder.auth.forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "NHS LeDeR"
MFA_RECOVERY_CODE_COUNT = 10
# Recovery codes are shown (and downloadable) once, straight after they are made.
MFA_RECOVERY_CODES_SHOW_ONCE = True
# Accounts are made by administrators and the password is set from an emailed link, so
# the address is proven; allauth's "verify your email before adding MFA" rule would block
# first-time enrolment (generating a reset key adds an unverified address row).
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Wrong security codes count against allauth's "login_failed" limits above (per account),
# so the same lockout applies to the code step.

# django-guardian: per-object grants (a reviewer on a case, a member on a meeting). Hot
# models get direct-foreign-key permission tables (see leder/services/grants.py). No
# anonymous user row: anonymous surfaces never get object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False

# Sessions live on the server (database), so signing out ends them there.
SESSION_ENGINE = "leder.sessions"  # Django's database sessions, read by a prepared statement
SESSION_IDLE_TIMEOUT = env_int("LEDER_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("LEDER_SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
NHS_FONT_HOST = "https://assets.nhs.uk"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, NHS_FONT_HOST],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NHSUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", NHSUK_FRONTEND_DIR),
]
MEDIA_ROOT = Path(env_str("LEDER_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# --- Email ----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("LEDER_FROM_EMAIL", "LeDeR <noreply@leder.example.nhs.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- Celery ---------------------------------------------------------------------------
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE: dict = {
    # Emails owed but lost on the way (crash before enqueue, broker restarted, worker
    # killed mid-send): re-queued; the claim makes a second send impossible.
    "outbox-sweep": {"task": "leder.tasks.sweep_outboxes", "schedule": 5 * 60.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Domain configuration (docs/operations.md) ----------------------------------------
LEDER_TARGET_DAYS = env_int("LEDER_TARGET_DAYS", 183, minimum=1)
# LeDeR training is renewed every year: a reviewer whose training is older cannot be allocated.
LEDER_TRAINING_VALID_DAYS = env_int("LEDER_TRAINING_VALID_DAYS", 365, minimum=1)
# A reviewer who worked for an organisation involved in the person's care within this many
# years (or works there now) has a conflict of interest.
LEDER_CONFLICT_WINDOW_YEARS = env_int("LEDER_CONFLICT_WINDOW_YEARS", 3, minimum=0, maximum=50)

# --- Governance: panel meetings, actions, reports (governance/) -----------------------
# Members present (the chair included, conflicted members not counted) for a decision.
LEDER_PANEL_QUORUM = env_int("LEDER_PANEL_QUORUM", 3, minimum=1, maximum=50)
# An overdue action's owner is reminded when it falls overdue, then every this many days.
LEDER_ACTION_REMINDER_DAYS = env_int("LEDER_ACTION_REMINDER_DAYS", 7, minimum=1, maximum=365)
CELERY_BEAT_SCHEDULE["governance-overdue-action-reminders"] = {
    "task": "governance.tasks.remind_overdue_actions",
    "schedule": crontab(hour=7, minute=0),  # daily, Europe/London
}

# --- Notifications: the public death notification form (notifications/) -------------
# Per client IP (REMOTE_ADDR), per hour: sent notifications, and answer pages posted.
NOTIFY_RATE_LIMITS = {
    "submit": (env_int("LEDER_NOTIFY_SUBMISSIONS_PER_HOUR", 10, minimum=1), 3600),
    "step": (env_int("LEDER_NOTIFY_STEPS_PER_HOUR", 300, minimum=1), 3600),
}
# A page of answers larger than this is refused with a clear page (not read, not stored).
NOTIFY_MAX_POST_BYTES = env_int("LEDER_NOTIFY_MAX_POST_BYTES", 64 * 1024, minimum=4096)

# --- GP record requests: expiring secure upload links (reviews/records/) -------------
# The automatic request to the registered GP practice goes when the case opens
# ("screening"), when it is first allocated ("allocation"), or never ("off").
LEDER_RECORDS_AUTO_REQUEST_ON = env_str("LEDER_RECORDS_AUTO_REQUEST_ON", "screening").lower()
if LEDER_RECORDS_AUTO_REQUEST_ON not in {"screening", "allocation", "off"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "LEDER_RECORDS_AUTO_REQUEST_ON must be screening, allocation or off, "
        f"not {LEDER_RECORDS_AUTO_REQUEST_ON!r}"
    )
# Years of records asked for by default (before the date of death).
LEDER_RECORDS_DEFAULT_YEARS = env_int("LEDER_RECORDS_DEFAULT_YEARS", 3, minimum=1, maximum=30)
# A link works this many days; then the sweep revokes it and sends a new one, up to
# LEDER_RECORDS_MAX_REISSUES times, then escalates to the LACs.
LEDER_RECORDS_LINK_DAYS = env_int("LEDER_RECORDS_LINK_DAYS", 14, minimum=1, maximum=90)
LEDER_RECORDS_REMINDER_DAYS = env_int("LEDER_RECORDS_REMINDER_DAYS", 3, minimum=0, maximum=30)
LEDER_RECORDS_MAX_REISSUES = env_int("LEDER_RECORDS_MAX_REISSUES", 3, minimum=0, maximum=20)
LEDER_RECORDS_MAX_FILE_MB = env_int("LEDER_RECORDS_MAX_FILE_MB", 50, minimum=1, maximum=2048)
LEDER_RECORDS_MAX_REQUEST_MB = env_int("LEDER_RECORDS_MAX_REQUEST_MB", 500, minimum=1)
LEDER_RECORDS_MAX_FILES_PER_UPLOAD = env_int(
    "LEDER_RECORDS_MAX_FILES_PER_UPLOAD", 10, minimum=1, maximum=50
)
LEDER_RECORDS_MAX_FILES = env_int("LEDER_RECORDS_MAX_FILES", 100, minimum=1, maximum=1000)
# Link pages: attempts with links that do not work, per client address per hour.
LEDER_RECORDS_LINK_FAILURES_PER_HOUR = env_int(
    "LEDER_RECORDS_LINK_FAILURES_PER_HOUR", 30, minimum=1
)
# Virus scanning with ClamAV's clamd (INSTREAM): a Unix socket, or a host and port.
LEDER_CLAMAV_SOCKET = env_str("LEDER_CLAMAV_SOCKET", "")
LEDER_CLAMAV_HOST = env_str("LEDER_CLAMAV_HOST", "")
LEDER_CLAMAV_PORT = env_int("LEDER_CLAMAV_PORT", 3310, minimum=1, maximum=65535)
LEDER_CLAMAV_TIMEOUT = env_int("LEDER_CLAMAV_TIMEOUT", 60, minimum=1, maximum=600)
CELERY_BEAT_SCHEDULE["records-sweep"] = {
    "task": "reviews.records.tasks.sweep_record_requests",
    "schedule": env_int("LEDER_RECORDS_SWEEP_MINUTES", 15, minimum=1, maximum=1440) * 60.0,
}
# Stored files no row points at (a crash between storing and recording), once a day.
CELERY_BEAT_SCHEDULE["records-orphan-files"] = {
    "task": "reviews.records.tasks.delete_orphan_record_files",
    "schedule": 24 * 3600.0,
}

# --- Retention: personal data destroyed after its period (leder/retention/, ADR 0011) --
# Years from the date a record was closed (a review's completion, a screening decision) to
# the purge that destroys its personal data, leaving a stub; the access log's own period.
LEDER_RETENTION_YEARS = {
    "review": env_int("LEDER_RETENTION_REVIEW_YEARS", 20, minimum=1, maximum=100),
    "ineligible": env_int("LEDER_RETENTION_INELIGIBLE_YEARS", 3, minimum=1, maximum=100),
    "duplicate": env_int("LEDER_RETENTION_DUPLICATE_YEARS", 2, minimum=1, maximum=100),
    "access_log": env_int("LEDER_RETENTION_ACCESS_LOG_YEARS", 8, minimum=1, maximum=100),
}
# The daily purge runs only when enabled (after reviewing manage.py purge_retention --dry-run).
LEDER_RETENTION_PURGE_ENABLED = env_bool("LEDER_RETENTION_PURGE_ENABLED", False)
CELERY_BEAT_SCHEDULE["retention-purge"] = {
    "task": "leder.retention.tasks.purge_expired",
    "schedule": crontab(hour=2, minute=30),  # daily, Europe/London
}

# --- Logging: no personal data; request ids, not URLs with identifiers ----------------
LOG_LEVEL = env_str("LEDER_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LEDER_LOG_LEVEL must be a log level name, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
