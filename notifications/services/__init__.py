"""Writes to notifications: one service per verb, each atomic.

- ``notification_submit``: the public form's submission (idempotent), screening, duplicates,
  routing and the emails.
- ``notification_transition``: every status move.
- ``notification_decide``: the LAC's screening decision (eligible opens the case).
- ``notification_route``: the regional coordinator routes an unrouted notification.
- ``notification_opt_out``: National Data Opt-Out, reducing the record to a stub.
"""

from notifications.services.decisions import notification_decide
from notifications.services.opt_out import notification_opt_out
from notifications.services.routing import notification_route
from notifications.services.submission import notification_submit
from notifications.services.transitions import notification_transition

__all__ = [
    "notification_decide",
    "notification_opt_out",
    "notification_route",
    "notification_submit",
    "notification_transition",
]
