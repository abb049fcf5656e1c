"""Scale step ``record_requests`` (``manage.py seed_scale``, docs/performance.md).

Every case whose person had a known GP practice gets the automatic request to the practice
as it opened (the default ``LEDER_RECORDS_AUTO_REQUEST_ON``), followed through as the
service would have: the link emailed, re-issued every fortnight while nobody answers (at
most ``LEDER_RECORDS_MAX_REISSUES`` times, then escalated to the LACs), opened, files
received, completed; a few phone offers; cancelled when the case stopped (opt-out).
Requests of the last weeks are still open with a live link.

Links keep only the SHA-256 of a random token nobody knows (the bench mints its own links
with known tokens, tests/bench/journeys/records.py). Files are metadata only: their
storage names point at nothing, so a download of a scale file is a "file missing" page.
Status changes, events, emails and history rows are written in bulk.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import Any

from leder.scale import ScaleContext, scale_step
from leder.scale.bulk import allocate_ids, copy_rows, history_row
from leder.scale.timelines import CaseFact
from reviews.models import CaseStatus
from reviews.records import conf
from reviews.records.models import (
    EventKind,
    FileType,
    LinkKind,
    RecordEmail,
    RecordFile,
    RecordRequest,
    RecordRequestEvent,
    RecordRequestStatus,
    RecordRequestStatusChange,
    RevokeReason,
    ScanResult,
    UploadLink,
)

S = RecordRequestStatus
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
AUTOMATIC = "Automatic request to the registered GP practice"
CLOSE_REASONS: dict[str, str] = {
    S.COMPLETED: RevokeReason.COMPLETED,
    S.PHONE_OFFERED: RevokeReason.PHONE_OFFERED,
    S.ESCALATED: RevokeReason.ESCALATED,
    S.CANCELLED: RevokeReason.CANCELLED,
}
CLOSE_EVENTS: dict[str, str] = {
    S.COMPLETED: EventKind.COMPLETED,
    S.PHONE_OFFERED: EventKind.PHONE_OFFERED,
    S.ESCALATED: EventKind.ESCALATED,
    S.CANCELLED: EventKind.CANCELLED,
}
STAFF_EMAILS: dict[str, str] = {
    S.COMPLETED: RecordEmail.Kind.COMPLETED,
    S.PHONE_OFFERED: RecordEmail.Kind.PHONE_OFFERED,
    S.ESCALATED: RecordEmail.Kind.ESCALATED,
}


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Batch:
    def __init__(self) -> None:
        self.requests: list[RecordRequest] = []
        self.request_history: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.emails: list[dict[str, Any]] = []
        self.links: list[UploadLink] = []
        self.files: list[RecordFile] = []

    def write(self, size: int) -> dict[str, int]:
        copy_rows(RecordRequest, self.requests, batch_size=size)
        copy_rows(RecordRequest.history.model, self.request_history, batch_size=size)
        copy_rows(RecordRequestStatusChange, self.changes, batch_size=size)
        copy_rows(RecordRequestEvent, self.events, batch_size=size)
        copy_rows(RecordEmail, self.emails, batch_size=size)
        copy_rows(UploadLink, self.links, batch_size=size)
        link_history = []
        for link in self.links:
            link_history.append(
                history_row(
                    link,
                    at=link.created_at,
                    reason=f"Link made ({link.kind})",
                    revoked_at=None,
                    revoked_reason="",
                )
            )
            if link.revoked_at is not None:
                link_history.append(
                    history_row(
                        link,
                        at=link.revoked_at,
                        kind="~",
                        reason=f"Revoked: {link.revoked_reason}",
                    )
                )
        copy_rows(UploadLink.history.model, link_history, batch_size=size)
        copy_rows(RecordFile, self.files, batch_size=size)
        copy_rows(
            RecordFile.history.model,
            [
                history_row(f, at=f.uploaded_at, reason="Uploaded by the organisation")
                for f in self.files
            ],
            batch_size=size,
        )
        return {
            "record requests": len(self.requests),
            "request status changes": len(self.changes),
            "request events": len(self.events),
            "record emails": len(self.emails),
            "upload links": len(self.links),
            "link history rows": len(link_history),
            "record files (metadata)": len(self.files),
        }


@scale_step("record_requests", after=("notifications_and_cases",))
def generate_record_requests(ctx: ScaleContext) -> dict[str, int]:
    """The automatic GP record request of every case, its links, events, emails and files."""
    from leder.models import Organisation
    from notifications.models import Notification

    size = ctx.options.batch_size
    practices = dict(
        Organisation.objects.filter(parent_icb_id__in=ctx.icb_ids, is_active=True).values_list(
            "pk", "secure_email"
        )
    )
    totals: dict[str, int] = {}
    for start in range(0, len(ctx.cases), size):
        cases = ctx.cases[start : start + size]
        facts = {
            row[0]: row[1:]
            for row in Notification.objects.filter(
                pk__in=[c.notification_id for c in cases]
            ).values_list("pk", "gp_practice_id", "date_of_death")
        }
        wanted = [
            (case, practice, died)
            for case in cases
            for practice, died in [facts[case.notification_id]]
            if practices.get(practice)
        ]
        batch = Batch()
        ids = allocate_ids(RecordRequest, len(wanted))
        for (case, practice, died), pk in zip(wanted, ids, strict=True):
            _request(ctx, batch, case, pk, practice, practices[practice], died)
        for link, pk in zip(batch.links, allocate_ids(UploadLink, len(batch.links)), strict=True):
            link.id = pk
        for file, pk in zip(batch.files, allocate_ids(RecordFile, len(batch.files)), strict=True):
            file.id = pk
            file.link_id = file._link.id  # type: ignore[attr-defined]
        for name, count in batch.write(size).items():
            totals[name] = totals.get(name, 0) + count
    return totals


def _request(
    ctx: ScaleContext,
    batch: Batch,
    case: CaseFact,
    pk: int,
    practice: int,
    mailbox: str,
    died: datetime.date | None,
) -> None:
    rng, now = ctx.rng, ctx.now
    lifetime = conf.link_lifetime()
    created = case.opened_at + MINUTE
    end = min(died or created.date(), created.date())
    request = RecordRequest(
        id=pk,
        key=uuid.UUID(int=rng.getrandbits(128), version=4),
        case_id=case.id,
        organisation_id=practice,
        recipient_email=mailbox,
        period_from=_years_before(end, conf.default_years()),
        period_to=end,
        status=S.QUEUED,
        automatic=True,
        reissue_count=0,
        expires_at=None,
        reminded_at=None,
        created_by_id=case.lac_id,
        created_at=created,
        closed_at=None,
    )
    stopped = next((e for e in case.events if e.to == CaseStatus.OPTED_OUT), None)
    # What the practice did, and when: most answer within a fortnight or two.
    roll = rng.random()
    answered = created + DAY * min(rng.expovariate(1 / 9), 60)
    outcome = S.COMPLETED if roll < 0.86 else S.PHONE_OFFERED if roll < 0.92 else S.ESCALATED
    if outcome == S.ESCALATED:
        answered = created + lifetime * (conf.max_reissues() + 1)
    history: list[tuple[datetime.datetime, str, dict[str, Any]]] = []
    state: dict[str, Any] = {"status": S.QUEUED, "expires_at": None, "reissue_count": 0}

    def move(at: datetime.datetime, to: str, reason: str, by: int | None = None) -> None:
        batch.changes.append(
            {
                "subject_id": pk,
                "at": at,
                "by_id": by,
                "from_status": state["status"],
                "to_status": to,
                "reason": reason,
            }
        )
        state["status"] = to
        history.append((at, reason, dict(state)))

    def event(at: datetime.datetime, kind: str, by: int | None = None, detail: str = "") -> None:
        batch.events.append(
            {"request_id": pk, "kind": kind, "at": at, "by_id": by, "detail": detail}
        )

    def email(at: datetime.datetime, kind: str, to: str) -> None:
        batch.emails.append(
            {
                "key": uuid.UUID(int=rng.getrandbits(128), version=4),
                "request_id": pk,
                "kind": kind,
                "to_email": to,
                "created_at": at,
                "enqueued_at": at,
                "claimed_at": at + MINUTE / 6,
                "attempts": 1,
                "sent_at": at + MINUTE / 3,
                "failed_at": None,
                "cancelled_at": None,
                "last_error": "",
                "recipients_count": 1 if to else 2,
            }
        )

    batch.changes.append(
        {
            "subject_id": pk,
            "at": created,
            "by_id": case.lac_id,
            "from_status": "",
            "to_status": S.QUEUED,
            "reason": AUTOMATIC,
        }
    )
    history.append((created, AUTOMATIC, dict(state)))
    event(
        created,
        EventKind.REQUESTED,
        case.lac_id,
        "From the GP practice (automatic, as the case opened)",
    )

    # Links: the first, then a new one each time one expires unanswered.
    end_at = min(t for t in (answered, stopped.at if stopped else None, now) if t is not None)
    links: list[UploadLink] = []
    issued = created + 2 * MINUTE
    while True:
        kind = LinkKind.FIRST if not links else LinkKind.REISSUE
        link = UploadLink(
            request_id=pk,
            token_hash=hashlib.sha256(rng.getrandbits(256).to_bytes(32, "big")).hexdigest(),
            kind=kind,
            created_at=issued,
            expires_at=issued + lifetime,
            revoked_at=None,
            revoked_reason="",
        )
        links.append(link)
        state["expires_at"] = link.expires_at
        if kind == LinkKind.FIRST:
            email(issued - MINUTE, RecordEmail.Kind.LINK, mailbox)
            move(issued, S.SENT, "Link emailed")
            event(issued, EventKind.SENT, detail=f"To {mailbox}")
        else:
            state["reissue_count"] += 1
            email(issued - MINUTE, RecordEmail.Kind.REISSUE, mailbox)
            history.append((issued, "New upload link", dict(state)))
            event(issued, EventKind.REISSUED, detail=f"To {mailbox}")
        if link.expires_at >= end_at or len(links) > conf.max_reissues():
            break
        link.revoked_at = link.expires_at
        link.revoked_reason = RevokeReason.EXPIRED
        issued = link.expires_at
    request.reissue_count = state["reissue_count"]
    live = links[-1]

    closed: tuple[datetime.datetime, str] | None = None
    if outcome != S.ESCALATED and answered <= end_at:
        move(answered, S.OPENED, "The organisation started using the link")
        event(answered, EventKind.OPENED)
        if outcome == S.COMPLETED:
            count = rng.randint(1, 3)
            for number in range(count):
                upload = RecordFile(
                    key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    request_id=pk,
                    storage_name=f"records/scale-{rng.getrandbits(96):024x}",
                    original_name=f"GP record part {number + 1}.pdf",
                    size=rng.randint(40_000, 6_000_000),
                    sha256=f"{rng.getrandbits(256):064x}",
                    file_type=FileType.PDF,
                    scan=ScanResult.NOT_SCANNED,
                    uploaded_at=answered + MINUTE * (number + 1),
                    removed_at=None,
                )
                upload._link = live  # type: ignore[attr-defined]
                batch.files.append(upload)
            event(answered + MINUTE * 4, EventKind.FILES_RECEIVED, detail=f"{count} file(s)")
        finished = answered + MINUTE * 5
        if finished <= now and (stopped is None or finished <= stopped.at):
            closed = (finished, outcome)
    elif outcome == S.ESCALATED and answered <= end_at:
        closed = (answered, S.ESCALATED)
    if closed is None and stopped is not None and stopped.at <= now:
        closed = (stopped.at, S.CANCELLED)
    if closed is not None:
        at, to = closed
        state["expires_at"] = None
        request.closed_at = at
        reason = "Cancelled: the person opted out" if to == S.CANCELLED else str(S(to).label)
        move(at, to, reason, stopped.by if to == S.CANCELLED and stopped else None)
        event(at, CLOSE_EVENTS[to], stopped.by if to == S.CANCELLED and stopped else None)
        if to in STAFF_EMAILS:
            email(at, STAFF_EMAILS[to], "")
        if live.revoked_at is None:
            live.revoked_at = at
            live.revoked_reason = CLOSE_REASONS[to]
    request.status = state["status"]
    request.expires_at = state["expires_at"]
    batch.requests.append(request)
    for number, (at, reason, fields) in enumerate(history):
        batch.request_history.append(
            history_row(
                request,
                at=at,
                kind="~" if number else "+",
                user_id=case.lac_id if number == 0 else None,
                reason=reason,
                closed_at=request.closed_at if fields["status"] in CLOSE_REASONS else None,
                **fields,
            )
        )
    batch.links += links
