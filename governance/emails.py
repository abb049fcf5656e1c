"""What the governance emails say (templates/emails/governance/).

Reminders name the action and its due date, never a person who died or a case.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from governance.models import ActionReminder


def reminder_message(reminder: ActionReminder) -> EmailMultiAlternatives:
    action = reminder.action
    context = {
        "action": action,
        "reference": action.reference,
        "title": action.title,
        "due_on": action.due_on,
        "icb_name": action.icb.name,
        "has_account": action.owner_user_id is not None,
        "link": f"{settings.SITE_URL}{reverse('governance:action', kwargs={'pk': action.pk})}",
        "service_name": settings.SERVICE_NAME,
    }
    base = "emails/governance/action_overdue"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [reminder.recipient_email]
    )
    message.attach_alternative(html, "text/html")
    return message
