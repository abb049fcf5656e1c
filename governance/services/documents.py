"""Documents rendered in the background: panel packs and reports (PDF, WeasyPrint).

``document_request`` writes the job row and enqueues the render after commit.
``document_render`` (the Celery task's body) claims the row with a conditional update,
reports progress on the row, stores the PDF through Django storage, and records the page
count and render time. A re-delivered task finds the row done or claimed and returns.
"""

from __future__ import annotations

import datetime
import logging
import time
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from governance.models import (
    REPORT_KINDS,
    DocumentKind,
    DocumentState,
    GeneratedDocument,
    Meeting,
    MeetingStatus,
)
from leder.models import Organisation, User

logger = logging.getLogger(__name__)

# A claim older than this (a worker killed mid-render) may be taken again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)


@transaction.atomic
def document_request(
    *,
    kind: str,
    by: User,
    icb: Organisation | None = None,
    meeting: Meeting | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> GeneratedDocument:
    """Ask for a panel pack (``meeting``) or a report (``icb``, period): rendered in the
    background and kept for download."""
    from governance.tasks import render_document

    if kind == DocumentKind.PANEL_PACK:
        if meeting is None:
            raise ValidationError("Choose the meeting")
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError("This meeting was cancelled")
        icb = meeting.icb
    elif kind in REPORT_KINDS:
        if period_start is None or period_end is None or period_end < period_start:
            raise ValidationError("Choose the period of the report")
    else:
        raise ValidationError("Choose the kind of document")
    document = GeneratedDocument.objects.create(
        kind=kind,
        icb=icb,
        meeting=meeting,
        period_start=period_start,
        period_end=period_end,
        requested_by=by,
    )
    transaction.on_commit(partial(render_document.delay, document.pk))
    return document


def _progress(document_id: int, value: int) -> None:
    GeneratedDocument.objects.filter(pk=document_id).update(progress=value)


def _claim(document_id: int) -> bool:
    now = timezone.now()
    return bool(
        GeneratedDocument.objects.filter(pk=document_id)
        .filter(
            Q(state=DocumentState.QUEUED)
            | Q(state=DocumentState.RUNNING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .update(state=DocumentState.RUNNING, claimed_at=now, progress=5)
    )


def document_render(*, document_id: int) -> str:
    if not _claim(document_id):
        return "already done or being rendered"
    document = GeneratedDocument.objects.select_related("icb", "meeting__icb").get(pk=document_id)
    started = time.perf_counter()
    try:
        if document.kind == DocumentKind.PANEL_PACK:
            pdf, pages = render_panel_pack(document)
        else:
            pdf, pages = render_report(document)
    except Exception as error:
        logger.exception("Document %s (%s) failed", document_id, document.kind)
        GeneratedDocument.objects.filter(pk=document_id).update(
            state=DocumentState.FAILED, error=type(error).__name__[:300], finished_at=timezone.now()
        )
        raise
    seconds = time.perf_counter() - started
    document.file.save(document.filename, ContentFile(pdf), save=False)
    GeneratedDocument.objects.filter(pk=document_id).update(
        file=document.file.name,
        state=DocumentState.DONE,
        progress=100,
        pages=pages,
        render_seconds=round(seconds, 3),
        finished_at=timezone.now(),
    )
    logger.info("Document %s rendered: %s pages in %.2f s", document_id, pages, seconds)
    return f"{pages} pages in {seconds:.2f} s"


def _write(documents: list[Any]) -> tuple[bytes, int]:
    """One PDF from WeasyPrint documents, their pages in order."""
    first = documents[0]
    pages = [page for doc in documents for page in doc.pages]
    return bytes(first.copy(pages).write_pdf()), len(pages)


def render_panel_pack(document: GeneratedDocument) -> tuple[bytes, int]:
    """The agenda, then each review's redacted report in agenda order."""
    from weasyprint import HTML

    from reviews.services import review_report_html

    meeting = document.meeting
    assert meeting is not None
    items = list(meeting.items.select_related("case", "version").order_by("position"))
    agenda = render_to_string(
        "governance/pdf/pack_agenda.jinja",
        {
            "meeting": meeting,
            "items": items,
            "members": list(
                meeting.members.select_related("user", "organisation").order_by("user__full_name")
            ),
            "generated_at": timezone.now(),
        },
    )
    docs = [HTML(string=agenda).render()]
    for index, item in enumerate(items, start=1):
        if item.version is not None:
            html = review_report_html(version=item.version, redacted=True)
            docs.append(HTML(string=html).render())
        _progress(document.pk, 10 + int(80 * index / max(len(items), 1)))
    return _write(docs)


def render_report(document: GeneratedDocument) -> tuple[bytes, int]:
    from weasyprint import HTML

    from governance.reports import ReportSpec, report_context

    assert document.period_start is not None and document.period_end is not None
    spec = ReportSpec(document.kind, document.icb, document.period_start, document.period_end)
    context = report_context(spec)
    _progress(document.pk, 40)
    html = render_to_string("governance/pdf/report.jinja", context)
    _progress(document.pk, 60)
    rendered = HTML(string=html).render()
    _progress(document.pk, 90)
    return _write([rendered])
