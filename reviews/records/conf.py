"""The records settings (leder/settings/base.py, "GP record requests"), read when used so
tests can change them."""

from __future__ import annotations

import datetime

from django.conf import settings

MB = 1024 * 1024
AUTO_TRIGGERS = ("screening", "allocation", "off")


def auto_request_on() -> str:
    return str(getattr(settings, "LEDER_RECORDS_AUTO_REQUEST_ON", "screening"))


def default_years() -> int:
    return int(getattr(settings, "LEDER_RECORDS_DEFAULT_YEARS", 3))


def link_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "LEDER_RECORDS_LINK_DAYS", 14)))


def reminder_before() -> datetime.timedelta | None:
    days = int(getattr(settings, "LEDER_RECORDS_REMINDER_DAYS", 3))
    return datetime.timedelta(days=days) if days else None


def max_reissues() -> int:
    return int(getattr(settings, "LEDER_RECORDS_MAX_REISSUES", 3))


def max_file_bytes() -> int:
    return int(getattr(settings, "LEDER_RECORDS_MAX_FILE_MB", 50)) * MB


def max_request_bytes() -> int:
    return int(getattr(settings, "LEDER_RECORDS_MAX_REQUEST_MB", 500)) * MB


def max_files_per_upload() -> int:
    return int(getattr(settings, "LEDER_RECORDS_MAX_FILES_PER_UPLOAD", 10))


def max_files() -> int:
    return int(getattr(settings, "LEDER_RECORDS_MAX_FILES", 100))


def link_failures_per_hour() -> int:
    return int(getattr(settings, "LEDER_RECORDS_LINK_FAILURES_PER_HOUR", 30))
