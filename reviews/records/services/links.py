"""Issuing and revoking upload links.

A link is made by the task that sends it, just before the send: the raw token exists
only in that worker's memory and in the email. If the send fails, the link is never
used and the next attempt replaces it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from leder.lib.history import history_save
from leder.lib.tokens import token_hash, token_new
from reviews.records import conf
from reviews.records.bulk import history_snapshot, links_revoke_returning
from reviews.records.models import LinkKind, RecordRequest, RevokeReason, UploadLink


def links_revoke(
    *, request_ids: Sequence[int], reason: str, by: Any = None, now: datetime.datetime | None = None
) -> int:
    """Revoke every unrevoked link of these requests (with a history row each)."""
    now = now or timezone.now()
    revoked = links_revoke_returning(request_ids, reason=reason, at=now)
    history_snapshot(UploadLink, revoked, reason=f"Revoked: {reason}", at=now, by=by)
    return len(revoked)


@transaction.atomic
def upload_link_issue(*, request: RecordRequest, kind: str) -> tuple[str, UploadLink]:
    """A new link for ``request`` (locked by the caller). Returns the raw token, once.

    A first link or a re-issue replaces any earlier link and starts a new expiry; a
    reminder's link expires with the links already sent.
    """
    now = timezone.now()
    if kind == LinkKind.REMINDER:
        assert request.expires_at is not None
        expires = request.expires_at
    else:
        links_revoke(request_ids=[request.pk], reason=RevokeReason.SUPERSEDED, now=now)
        expires = now + conf.link_lifetime()
        request.expires_at = expires
        request.reminded_at = None
        history_save(
            request,
            by=None,
            reason="New upload link",
            update_fields=["expires_at", "reminded_at"],
        )
    token = token_new()
    link = UploadLink(
        request=request, token_hash=token_hash(token), kind=kind, created_at=now, expires_at=expires
    )
    history_save(link, by=None, reason=f"Link made ({kind})")
    return token, link
