"""Who the case emails go to, and what they say (templates/emails/reviews/).

No email names the person who died or gives their NHS number: the case reference and a
link into the service only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from leder.models import User
from leder.roles import Role
from reviews.models import CaseEmail


def recipients_for(email: CaseEmail) -> list[str]:
    if email.recipient is not None:
        return [email.recipient.email] if email.recipient.is_active else []
    if email.icb_id is None:
        return []
    lacs = User.objects.filter(
        is_active=True, icb_id=email.icb_id, groups__name=Role.LAC.group_name
    ).values_list("email", flat=True)
    return sorted(set(lacs))


def case_link(reference: str) -> str:
    return f"{settings.SITE_URL}{reverse('reviews:case', kwargs={'reference': reference})}"


def build_message(email: CaseEmail, to: list[str]) -> EmailMultiAlternatives:
    if email.kind == CaseEmail.Kind.ALLOCATION_ENDED:  # they can no longer open the case
        link = f"{settings.SITE_URL}{reverse('reviews:my_reviews')}"
    else:
        link = case_link(email.case.reference)
    context = {
        "reference": email.case.reference,
        "link": link,
        "service_name": settings.SERVICE_NAME,
    }
    base = f"emails/reviews/{email.kind}"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    return message
