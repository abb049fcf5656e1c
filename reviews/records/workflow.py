"""Which status a record request may move to from which (the only place this is declared).

- queued → sent: the first link was emailed (the task, after the send);
- sent → opened: the organisation's first upload, finish or telephone offer (a POST;
  opening the link with GET changes nothing);
- opened → completed: the organisation confirmed "that is everything";
- opened → phone offered: the organisation offered a telephone conversation instead;
- queued / sent / opened → escalated: no answer after the last re-issue, or the email
  could not be delivered; the LACs are told;
- any open status, or escalated → cancelled: staff cancel (or the case stopped).
Re-issuing a link after expiry and reminders are events, not moves.
"""

from __future__ import annotations

from leder.lib.workflow import TransitionTable
from reviews.records.models import RecordRequestStatus as S

RECORD_REQUEST_TRANSITIONS = TransitionTable(
    {
        S.QUEUED: {S.SENT, S.ESCALATED, S.CANCELLED},
        S.SENT: {S.OPENED, S.ESCALATED, S.CANCELLED},
        S.OPENED: {S.COMPLETED, S.PHONE_OFFERED, S.ESCALATED, S.CANCELLED},
        S.ESCALATED: {S.CANCELLED},
        S.COMPLETED: set(),
        S.PHONE_OFFERED: set(),
        S.CANCELLED: set(),
    }
)
# Moves that end the request: its links are revoked, its queued emails to the
# organisation cancelled.
CLOSING = frozenset({S.COMPLETED, S.PHONE_OFFERED, S.ESCALATED, S.CANCELLED})
