"""Queue the emails a case owes: an outbox row now, the send after commit."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from reviews.models import Case, CaseEmail


def case_email_queue(*, case: Case, kind: str, recipient: Any = None) -> CaseEmail:
    """To ``recipient`` (a staff user), or to the LACs of the case's ICB when None."""
    from reviews.tasks import send_case_email

    email = CaseEmail.objects.create(
        case=case,
        kind=kind,
        recipient=recipient,
        icb_id=None if recipient is not None else case.icb_id,
    )
    transaction.on_commit(partial(send_case_email.delay, email.pk))
    return email
