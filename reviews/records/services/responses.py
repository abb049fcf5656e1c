"""What the organisation does through its link: upload files, finish, or offer a
telephone conversation instead. Each locks the request row and checks the link is still
live under the lock. The first of them moves the request from "sent" to "opened"
(opening the link with GET changes nothing: mail scanners open links).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from leder.lib.history import history_save
from reviews.records import conf
from reviews.records.bulk import history_snapshot
from reviews.records.models import (
    LINK_STATUSES,
    EventKind,
    PhoneOffer,
    RecordEmail,
    RecordFile,
    RecordRequest,
    RecordRequestEvent,
    RecordRequestStatus,
    UploadLink,
)
from reviews.records.services.emails import record_email_queue
from reviews.records.services.events import record_event
from reviews.records.uploads import CheckedFile, request_totals

S = RecordRequestStatus
CLOSED = "This link has stopped working: the request has ended or a newer link was sent"


class LinkClosed(Exception):
    """The link stopped working while the organisation was using it."""


def link_is_live(link: UploadLink) -> bool:
    return link.is_live() and link.request.status in LINK_STATUSES


def _lock(link: UploadLink) -> RecordRequest:
    """The link's request, locked, if the link is still live; else ``LinkClosed``. One
    query: the link as it is now, with its request row locked (not the link's)."""
    current = (
        UploadLink.objects.select_related("request")
        .select_for_update(of=("request",))
        .get(pk=link.pk)
    )
    request = current.request
    if not current.is_live() or request.status not in LINK_STATUSES:
        raise LinkClosed(CLOSED)
    return request


def _open(
    request: RecordRequest, *, events: list[RecordRequestEvent] | None = None
) -> RecordRequest:
    """``request`` moved from "sent" to "opened" if it was sent, with its event (added to
    ``events``, for the caller to write with its own, or written now)."""
    from reviews.records.services.requests import record_request_transition

    if request.status != S.SENT:
        return request
    moved = record_request_transition(
        request=request, to=S.OPENED, by=None, reason="The organisation started using the link"
    )
    if events is None:
        record_event(request=moved, kind=EventKind.OPENED)
    else:
        events.append(RecordRequestEvent(request=moved, kind=EventKind.OPENED))
    return moved


def _plural(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def record_files_add(*, link: UploadLink, files: Sequence[CheckedFile]) -> list[RecordFile]:
    """Store a checked batch under generated names, then record it, all or nothing.

    The same number of queries for one file as for ten: the rows in one INSERT, their
    history rows in another (``history_snapshot``), one event for the upload."""
    stored: list[str] = []
    try:
        for item in files:
            item.upload.seek(0)
            stored.append(
                default_storage.save(f"records/{secrets.token_hex(20)}", File(item.upload))
            )
        try:
            with transaction.atomic():
                return _record_files(link, files, stored)
        except IntegrityError:  # the same file, uploaded at the same moment elsewhere
            raise ValidationError(_already_uploaded(link, files)) from None
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _already_uploaded(link: UploadLink, files: Sequence[CheckedFile]) -> str:
    """The sentence for a batch refused by the database's once-per-request constraint
    (after the rollback), naming a file another upload kept first."""
    kept = set(
        RecordFile.objects.filter(
            request_id=link.request_id, sha256__in=[item.sha256 for item in files]
        ).values_list("sha256", flat=True)
    )
    for item in files:
        if item.sha256 in kept:
            return f"{item.name} has already been uploaded"
    return "One of these files has already been uploaded"


def _record_files(
    link: UploadLink, files: Sequence[CheckedFile], stored: list[str]
) -> list[RecordFile]:
    events: list[RecordRequestEvent] = []
    request = _open(_lock(link), events=events)
    count, size, hashes = request_totals(request)
    if any(item.sha256 in hashes for item in files):
        raise ValidationError("One of these files has already been uploaded")
    if (
        count + len(files) > conf.max_files()
        or size + sum(f.size for f in files) > conf.max_request_bytes()
    ):
        raise ValidationError("These files would take the request over its limit")
    now = timezone.now()
    rows = RecordFile.objects.bulk_create(
        [
            RecordFile(
                request=request,
                link=link,
                storage_name=name,
                original_name=item.name,
                size=item.size,
                sha256=item.sha256,
                file_type=item.file_type,
                scan=item.scan,
                uploaded_at=now,
            )
            for item, name in zip(files, stored, strict=True)
        ]
    )
    history_snapshot(
        RecordFile,
        [row.pk for row in rows],
        reason="Uploaded by the organisation",
        at=now,
        history_type="+",
    )
    events.append(
        RecordRequestEvent(
            request=request, kind=EventKind.FILES_RECEIVED, at=now, detail=_plural(len(rows))
        )
    )
    RecordRequestEvent.objects.bulk_create(events)
    return rows


@dataclass
class Receipt:
    reference: str
    organisation: str
    files: list[RecordFile]
    at: object


@transaction.atomic
def record_request_complete(*, link: UploadLink) -> Receipt:
    """The organisation confirms "that is everything"."""
    from reviews.records.services.requests import record_request_transition

    request = _open(_lock(link))
    files = list(request.files.filter(removed_at__isnull=True).order_by("uploaded_at", "pk"))
    if not files:
        raise ValidationError(
            "Upload at least one file before you finish, or offer a telephone conversation instead"
        )
    moved = record_request_transition(
        request=request, to=S.COMPLETED, by=None, reason="The organisation sent everything"
    )
    record_event(request=moved, kind=EventKind.COMPLETED, detail=_plural(len(files)))
    record_email_queue(request=moved, kind=RecordEmail.Kind.COMPLETED)
    return Receipt(
        reference=link.request.case.reference,
        organisation=link.request.organisation.name,
        files=files,
        at=moved.closed_at or timezone.now(),
    )


@transaction.atomic
def record_request_offer_phone(
    *, link: UploadLink, contact_name: str, job_title: str, phone: str, times: str
) -> PhoneOffer:
    """The organisation offers a detailed telephone conversation instead; the reviewer is
    told (or the LACs, while nobody is allocated)."""
    from reviews.records.services.requests import record_request_transition

    request = _open(_lock(link))
    offer = PhoneOffer(
        request=request,
        contact_name=contact_name.strip(),
        job_title=job_title.strip(),
        phone=phone.strip(),
        times=times.strip(),
    )
    history_save(offer, by=None, reason="Offered by the organisation")
    moved = record_request_transition(
        request=request,
        to=S.PHONE_OFFERED,
        by=None,
        reason="The organisation offered a telephone conversation",
    )
    record_event(request=moved, kind=EventKind.PHONE_OFFERED)
    record_email_queue(request=moved, kind=RecordEmail.Kind.PHONE_OFFERED)
    return offer
