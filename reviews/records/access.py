"""Who may see and ask for records: the accessors (views use nothing else).

- Lists and downloads: the people who may see the case (``Case.objects.visible_to``): the
  allocated reviewer and senior reviewer (their object grants), and the LACs and
  administrators of the case's ICB. Everyone else gets a 404.
- Asking for records and cancelling a request: the allocated reviewer, and the LACs and
  administrators of the ICB (not the senior reviewer, who gives peer support).
- The organisation: only through a live link (``link_for_token``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404

from leder.lib.tokens import token_hash
from reviews.access import manages_case
from reviews.models import Case
from reviews.records.models import RecordFile, RecordRequest, UploadLink

REVIEW_PERM = "reviews.review_case"


def can_request_records(user: Any, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return manages_case(user, case) or user.has_perm(REVIEW_PERM, case)


def _uuid(key: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise Http404 from None


def get_request_for_user(user: Any, key: str) -> RecordRequest:
    """The request with this key on a case ``user`` may see; else 404."""
    found = (
        RecordRequest.objects.visible_to(user)
        .for_page()
        .select_related("case__icb", "case__notification")
        .filter(key=_uuid(key))
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_file_for_user(user: Any, key: str) -> RecordFile:
    """A file (not removed) on a case ``user`` may see; else 404."""
    found = (
        RecordFile.objects.filter(
            request__in=RecordRequest.objects.visible_to(user), removed_at__isnull=True
        )
        .select_related("request")
        .filter(key=_uuid(key))
        .first()
    )
    if found is None:
        raise Http404
    return found


def link_for_token(token: str) -> UploadLink | None:
    """The link this token opens, whatever its state (the caller checks it is live), in
    one query by the token's hash. None for anything that is not one of ours."""
    return (
        UploadLink.objects.select_related(
            "request__case__icb", "request__case__notification", "request__organisation"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def requests_for_case(user: Any, case: Case) -> dict[str, Any]:
    """The case's requests as ``user`` may see them (``case`` came from
    ``get_case_for_user``), and whether they may ask for more."""
    return RecordRequest.objects.filter(case=case).summary_for(user, case)
