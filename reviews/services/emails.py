"""Queue the emails a case owes: an outbox row now, the send after commit.

A broker that is down at commit does not fail the change that owed the email: the outbox
sweep (``leder.lib.outbox``) enqueues it later.
"""

from __future__ import annotations

from typing import Any

from leder.lib.outbox import enqueue_on_commit
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
    enqueue_on_commit(send_case_email, email.pk)
    return email
