"""Who the record-request emails go to, and what they say (templates/emails/records/).

No email names the person who died or gives their NHS number or date of birth: the
reference, the organisation's own name, the period, and a link. The link's page shows
the organisation who the request is about.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from leder.models import User
from leder.roles import Role
from reviews.models import Allocation
from reviews.records.models import RecordEmail, UploadLink

K = RecordEmail.Kind


def _lacs(icb_id: int) -> list[str]:
    lacs = User.objects.filter(is_active=True, icb_id=icb_id, groups__name=Role.LAC.group_name)
    return sorted(set(lacs.values_list("email", flat=True)))


def staff_recipients(email: RecordEmail) -> list[str]:
    """Escalations: the ICB's LACs. Telephone offers and records received: the
    allocated reviewer, or the LACs while nobody is allocated."""
    case = email.request.case
    if email.kind != K.ESCALATED:
        active = (
            Allocation.objects.filter(case=case, ended_at__isnull=True)
            .select_related("reviewer")
            .first()
        )
        if active is not None and active.reviewer.is_active:
            return [active.reviewer.email]
    return _lacs(case.icb_id)


def _message_id(email: RecordEmail) -> str:
    host = urlparse(settings.SITE_URL).hostname or "leder.invalid"
    return f"<records-{email.key}@{host}>"


def _render(email: RecordEmail, context: dict, to: list[str]) -> EmailMultiAlternatives:
    base = f"emails/records/{email.kind}"
    context = {**context, "service_name": settings.SERVICE_NAME}
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to, headers={"Message-ID": _message_id(email)}
    )
    message.attach_alternative(html, "text/html")
    return message


def upload_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('records:upload', kwargs={'token': token})}"


def build_organisation_message(
    email: RecordEmail, token: str, link: UploadLink
) -> EmailMultiAlternatives:
    request = email.request
    context = {
        "reference": request.case.reference,
        "organisation": request.organisation.name,
        "link": upload_url(token),
        "expires": timezone.localtime(link.expires_at),
        "reissue_count": request.reissue_count,
    }
    return _render(email, context, [email.to_email])


def build_staff_message(email: RecordEmail, to: list[str]) -> EmailMultiAlternatives:
    request = email.request
    path = reverse("records:request", kwargs={"key": request.key})
    context = {
        "reference": request.case.reference,
        "organisation": request.organisation.name,
        "link": f"{settings.SITE_URL}{path}",
    }
    return _render(email, context, to)
