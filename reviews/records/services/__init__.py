"""Writes to record requests: one service per verb, each atomic.

- ``record_request_create``, ``record_request_auto``, ``record_request_cancel``,
  ``record_request_transition`` (and ``_many``): requests and their status.
- ``record_files_add``, ``record_request_complete``, ``record_request_offer_phone``: what
  the organisation does through its link.
- ``record_email_deliver``: one owed email (the tasks call it).
- ``records_sweep``: the beat sweep (expiry, re-issue, escalation, reminders, lost sends).
- ``record_requests_stop``: a National Data Opt-Out.
"""

from reviews.records.services.delivery import record_email_deliver
from reviews.records.services.opt_out import record_requests_stop
from reviews.records.services.requests import (
    default_period,
    record_request_auto,
    record_request_cancel,
    record_request_create,
    record_request_transition,
    record_request_transition_many,
)
from reviews.records.services.responses import (
    LinkClosed,
    link_is_live,
    record_files_add,
    record_request_complete,
    record_request_offer_phone,
)
from reviews.records.services.sweep import records_sweep

__all__ = [
    "LinkClosed",
    "default_period",
    "link_is_live",
    "record_email_deliver",
    "record_files_add",
    "record_request_auto",
    "record_request_cancel",
    "record_request_complete",
    "record_request_create",
    "record_request_offer_phone",
    "record_request_transition",
    "record_request_transition_many",
    "record_requests_stop",
    "records_sweep",
]
