"""Which status a notification may move to from which (the only place this is declared)."""

from __future__ import annotations

from leder.lib.workflow import TransitionTable
from notifications.models import NotificationStatus as S

NOTIFICATION_TRANSITIONS = TransitionTable(
    {
        # Screening on submission, then the LAC's decision.
        S.RECEIVED: {S.ELIGIBLE, S.INELIGIBLE, S.NEEDS_CONFIRMATION, S.DUPLICATE, S.OPTED_OUT},
        S.NEEDS_CONFIRMATION: {S.ELIGIBLE, S.INELIGIBLE, S.DUPLICATE, S.OPTED_OUT},
        # The LAC may find a suggested duplicate is a different death: back to screening.
        S.DUPLICATE: {S.RECEIVED, S.OPTED_OUT},
        # A mistaken "not eligible" can be reopened for screening.
        S.INELIGIBLE: {S.RECEIVED, S.OPTED_OUT},
        # Eligible opens a case; from then on only the opt-out stops it.
        S.ELIGIBLE: {S.OPTED_OUT},
        S.OPTED_OUT: set(),
    }
)
