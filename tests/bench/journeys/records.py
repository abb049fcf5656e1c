"""GP records: a practice opens the link in our email (the landing page) and uploads a 1 MB
PDF through it.

Only the SHA-256 of a link's token is stored, so the bench cannot use the links the scale
data made: the ``upload_links`` sample issues fresh ones through the records service
(``upload_link_issue``, as the send task does) for open requests in the bench database
and keeps their raw tokens for the virtual practices. Each upload is different bytes (a
request refuses the same file twice).
"""

from __future__ import annotations

import os
from typing import Any

from django.urls import reverse

from tests.bench.journeys import Visit, journey, page, sample, users

GP_PRACTICE = "gp_practice"  # no account: the link is the only key
UPLOAD = "records:upload"
LINKS = 40
UPLOAD_BYTES = 2**20

users(GP_PRACTICE, 2)


@sample("upload_links", role=GP_PRACTICE)
def upload_links(user: Any) -> list[str]:
    """Raw tokens of fresh links for open requests of open cases (a re-issue each)."""
    from django.db import transaction

    from leder.scale.context import SCALE_ICB_CODE_RE
    from reviews.models import OPEN_STATUSES
    from reviews.records.models import LINK_STATUSES, LinkKind, RecordRequest
    from reviews.records.services.links import upload_link_issue

    ids = list(
        RecordRequest.objects.filter(
            status__in=LINK_STATUSES,
            case__status__in=OPEN_STATUSES,
            case__icb__ods_code__regex=SCALE_ICB_CODE_RE,
        )
        .order_by("-created_at")
        .values_list("pk", flat=True)[:LINKS]
    )
    tokens = []
    for pk in ids:
        with transaction.atomic():
            request = RecordRequest.objects.select_for_update().get(pk=pk)
            token, _ = upload_link_issue(request=request, kind=LinkKind.REISSUE)
        tokens.append(token)
    return tokens


def pdf(size: int = UPLOAD_BYTES) -> bytes:
    """A PDF-looking file of ``size`` bytes, different every time (hex: no active content)."""
    head = b"%PDF-1.4\n% LeDeR bench upload\n"
    return head + os.urandom((size - len(head)) // 2 + 1).hex().encode()[: size - len(head)]


@journey("records: the link's landing page and a 1 MB upload", role=GP_PRACTICE, requires=(UPLOAD,))
def landing_and_upload(visit: Visit) -> None:
    if not visit.samples.get("upload_links"):
        return
    visit.new_session()  # a practice has no session; the landing page sets the CSRF cookie
    url = reverse(UPLOAD, args=[visit.pick("upload_links")])
    visit.get(f"{UPLOAD} (landing)", url)
    visit.pause()
    visit.upload(
        f"{UPLOAD} (1 MB)",
        url,
        data={},
        files={"documents": ("gp-record.pdf", pdf(), "application/pdf")},
        expect=303,
    )
    visit.get(f"{UPLOAD} (landing)", url, uploaded="1")


page(
    f"{UPLOAD} (landing)",
    role=GP_PRACTICE,
    path=lambda s: reverse(UPLOAD, args=[(s.get("upload_links") or ["none"])[0]]),
    requires=(UPLOAD,),
)
