"""Who the notification emails go to, and what they say (templates/emails/notifications/).

No email names the person or gives their NHS number: a reference and a link instead.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from leder.models import Organisation, User
from leder.roles import Role
from notifications.models import Notification, NotificationEmail

logger = logging.getLogger(__name__)


def staff_emails(role: Role, icb: Organisation | None) -> list[str]:
    users = User.objects.filter(is_active=True, groups__name=role.group_name)
    users = users.filter(icb=icb) if icb is not None else users
    return sorted(set(users.values_list("email", flat=True)))


def recipients_for(email: NotificationEmail, notification: Notification) -> list[str]:
    kind = NotificationEmail.Kind
    if email.kind == kind.ACKNOWLEDGEMENT:
        return [notification.notifier_email] if notification.notifier_email else []
    if email.kind == kind.NEW_NOTIFICATION and email.icb is not None:
        lacs = staff_emails(Role.LAC, email.icb)
        if lacs:
            return lacs
        return [email.icb.secure_email] if email.icb.secure_email else []
    if email.kind == kind.NEEDS_ROUTING:
        return staff_emails(Role.REGIONAL_COORDINATOR, None)
    return []


def staff_link(notification: Notification) -> str:
    path = reverse("notifications:detail", kwargs={"reference": notification.reference})
    return f"{settings.SITE_URL}{path}"


def build_message(
    email: NotificationEmail, notification: Notification, to: list[str]
) -> EmailMultiAlternatives:
    context = {
        "reference": notification.reference,
        "link": staff_link(notification),
        "service_name": settings.SERVICE_NAME,
        "icb_name": email.icb.name if email.icb else "",
    }
    base = f"emails/notifications/{email.kind}"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    return message
