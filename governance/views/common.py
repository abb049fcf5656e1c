"""Helpers shared by the governance views: choices for forms, redirects, error messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from governance.models import Meeting, MeetingKind
from governance.services.meetings import MEMBER_ROLES
from leder.models import Organisation, User


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("governance:meeting", kwargs={"pk": meeting.pk})
    return f"{url}#{anchor}" if anchor else url


def back_to_meeting(meeting: Meeting, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(meeting_url(meeting, anchor))


def organisations_of(icb_id: int | None) -> list[tuple[int, str]]:
    if icb_id is None:
        return []
    icb = Organisation.objects.get(pk=icb_id)
    return list(
        Organisation.objects.in_icb(icb).active().order_by("name").values_list("pk", "name")
    )


def people_for(kind: str, icb_id: int | None) -> list[tuple[int, str]]:
    """Active people of the ICB who may sit on a meeting of ``kind``."""
    roles = MEMBER_ROLES[MeetingKind(kind)]
    return list(
        User.objects.filter(
            icb_id=icb_id, is_active=True, groups__name__in=[r.group_name for r in roles]
        )
        .distinct()
        .order_by("full_name")
        .values_list("pk", "full_name")
    )


def service_errors(
    form: Any, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: by field where it names one
    (``aliases`` maps the service's names to the form's)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            name = (aliases or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def flash_error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))
