"""The attack corpus (``tests/security/corpus``) against every upload endpoint.

Upload endpoints are found, not listed: every URL pattern's view whose code reads
``request.FILES``, parses a multipart body (``parse_upload``) or uses a form with a
``FileField``. ``test_every_upload_endpoint_is_covered`` fails when that set differs from
``ENDPOINTS`` here, so a new upload view cannot escape the corpus. The Django admin is
checked apart: no model with a file can be added or changed there.

Then every corpus file goes to every endpoint, as the role allowed to upload there
(anonymous with the organisation's link; the LAC on an action), posted as raw multipart
so names reach the server exactly as crafted. Each must be refused with an NHS error
summary naming the problem, no server error, no row written in any table (PostgreSQL's
own per-transaction counts, sessions aside: so no file row, no event, no status change)
and no file written under ``MEDIA_ROOT``. The virus scanner is the fake clamd speaking
the real protocol (``reviews/records/tests/clamd.py``); the file size limit is lowered to
1 MB so the oversize file stays small. A legitimate PDF, DOCX and PNG through each
endpoint are stored (the positive control: the detectors can see a write).
"""

from __future__ import annotations

import inspect
import os
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string

from reviews.records.tests.clamd import FakeClamd
from reviews.records.tests.helpers import multipart
from tests.security.corpus.build import JPEG, JPEG_END, PNG, Attack, attacks, docx, pdf, zip_of
from tests.security.matrix import ADMIN_PREFIX, Actor
from tests.security.test_access_matrix import Writes, url_patterns

LIMIT_MB = 1


@dataclass(frozen=True)
class Endpoint:
    field: str  # the multipart field of the file
    actor: Actor  # who may upload there
    url: Callable[[Any], str]  # from the world
    stored: Callable[[Any], int]  # upload rows on the world's object
    success: tuple[int, ...]  # statuses of a stored upload


def _record_files(world: Any) -> int:
    return world.mine.record_request.files.count()


def _evidence(world: Any) -> int:
    return world.mine.action.evidence.count()


ENDPOINTS: dict[str, Endpoint] = {
    "records:upload": Endpoint(
        field="documents",
        actor=Actor.ANONYMOUS,
        url=lambda w: reverse("records:upload", kwargs={"token": w.mine.token}),
        stored=_record_files,
        success=(303,),
    ),
    "governance:evidence_upload": Endpoint(
        field="file",
        actor=Actor.LAC,
        url=lambda w: reverse("governance:evidence_upload", kwargs={"pk": w.mine.action.pk}),
        stored=_evidence,
        success=(302,),
    ),
}


# --- discovery ---------------------------------------------------------------------------


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def file_forms() -> set[str]:
    """Names of the project's form classes with a file field (test modules aside)."""
    found = set()
    for cls in _subclasses(forms.BaseForm):
        module = cls.__module__
        if ".tests" in module or module.startswith("tests."):
            continue
        fields = getattr(cls, "base_fields", {})
        if any(isinstance(f, forms.FileField) for f in fields.values()):
            found.add(cls.__name__)
    return found


def _view_source(lookup: str) -> str:
    try:
        view = import_string(lookup)
    except ImportError:
        return ""
    view = getattr(view, "view_class", view)
    try:
        return inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return ""


def upload_views() -> dict[str, str]:
    """Every URL pattern (admin aside) whose view takes files: key → view source."""
    names = file_forms()
    takes_files = re.compile(
        r"request\.FILES|parse_upload\(|"
        + "|".join(rf"\b{re.escape(n)}\(" for n in sorted(names) or ["$^"])
    )
    found = {}
    for key, route, lookup in url_patterns():
        if route.startswith(ADMIN_PREFIX):
            continue
        source = _view_source(lookup)
        if takes_files.search(source):
            found[key] = source
    return found


def test_every_upload_endpoint_is_covered() -> None:
    found = upload_views()
    assert set(found) == set(ENDPOINTS), (
        "The upload endpoints found in the URL resolver differ from those the attack corpus "
        f"covers: found {sorted(found)}, covered {sorted(ENDPOINTS)}. Add the new one to "
        "ENDPOINTS in tests/security/test_upload_corpus.py."
    )
    # Every form with a file field is used by a covered view (a view that hands
    # request.FILES to a helper still names its form).
    unused = {
        name
        for name in file_forms()
        if not any(re.search(rf"\b{name}\(", source) for source in found.values())
    }
    assert not unused, f"Forms with a file field outside the covered upload views: {unused}"


def test_no_file_can_be_uploaded_through_the_admin(django_user_model: Any) -> None:
    """The admin is the one place the resolver walk above does not read: a model with a
    file field registered there must not be addable or changeable, or must not show it."""
    request = RequestFactory().get("/")
    request.user = django_user_model(is_superuser=True, is_staff=True, is_active=True)
    open_fields = []
    for model, model_admin in admin.site._registry.items():
        file_fields = {f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)}
        if not file_fields:
            continue
        if not (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        ):
            continue
        hidden = set(model_admin.get_exclude(request) or ()) | set(
            model_admin.get_readonly_fields(request)
        )
        open_fields += [f"{model.__name__}.{f}" for f in sorted(file_fields - hidden)]
    assert not open_fields, f"File fields editable in the admin: {open_fields}"


# --- the corpus -------------------------------------------------------------------------


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


@pytest.fixture
def clamd(settings: Any) -> Iterator[FakeClamd]:
    server = FakeClamd()
    settings.LEDER_CLAMAV_SOCKET = server.path
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def limits(settings: Any) -> None:
    settings.LEDER_RECORDS_MAX_FILE_MB = LIMIT_MB
    settings.LEDER_RECORDS_LINK_FAILURES_PER_HOUR = 10_000


def _post(world: Any, endpoint: Endpoint, name: str, data: bytes) -> Any:
    body, content_type = multipart([(name, data)], field=endpoint.field)
    client = world.clients[endpoint.actor]
    return client.post(endpoint.url(world), data=body, content_type=content_type)


def _text(response: Any) -> str:
    from html import unescape

    return unescape(response.content.decode(errors="replace"))


def _judge(attack: Attack, response: Any, wrote: int, new_files: set[str]) -> list[str]:
    problems = []
    text = _text(response)
    if response.status_code >= 500:
        problems.append("server error")
    elif response.status_code not in (200, 400):
        problems.append(f"status {response.status_code}, not a form shown again")
    elif 'class="nhsuk-error-summary"' not in text:
        problems.append("no NHS error summary")
    elif attack.expect not in text:
        problems.append(f"the error summary does not say {attack.expect!r}")
    if wrote:
        problems.append(f"wrote {wrote} rows")
    if new_files:
        problems.append(f"wrote files {sorted(new_files)}")
    return problems


def test_attack_corpus_is_refused_by_every_upload_endpoint(
    world: Any, db: None, clamd: FakeClamd, limits: None, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = attacks(LIMIT_MB * 1024 * 1024)
    writes = Writes()
    refused, stored, problems = 0, 0, []
    for key, endpoint in ENDPOINTS.items():
        rows = endpoint.stored(world)
        for attack in corpus:
            files = media_files()
            with transaction.atomic():
                response = _post(world, endpoint, attack.name, attack.data)
                wrote = writes.since_last()[0]
                transaction.set_rollback(True)
            new_files = media_files() - files
            found = _judge(attack, response, wrote, new_files)
            if wrote or new_files or endpoint.stored(world) != rows:
                stored += 1
            if found:
                problems.append(f"{attack.key} ({attack.what}) → {key}: {'; '.join(found)}")
            else:
                refused += 1
    with capsys.disabled():
        print(
            f"\nattack corpus: {len(corpus)} files x {len(ENDPOINTS)} endpoints: "
            f"{refused} refused, {stored} stored"
        )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert refused == len(corpus) * len(ENDPOINTS) and stored == 0


XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b"<rdf:RDF/></x:xmpmeta><?xpacket end='w'?>"
)
LEGITIMATE = [
    # Ordinary files that look a little like the attacks: each must still be accepted.
    ("discharge-summary.pdf", pdf(b"1 0 obj<</Type/Catalog/OpenAction[3 0 R/Fit]>>endobj")),
    ("clinic-letter.docx", docx({"word/media/image1.png": PNG})),
    (
        "letter-with-table.docx",
        docx({"word/embeddings/Sheet1.xlsx": zip_of({"xl/workbook.xml": b"<workbook/>"})}),
    ),
    ("scan.png", PNG + b"\x00\x00\x00\x00IEND\xaeB`\x82"),
    ("photo.jpg", JPEG + b"\xff\xe1" + struct.pack(">H", len(XMP) + 2) + XMP + JPEG_END),
    ("notes.txt", b"BP <140/90 and HbA1c > 48 mmol/mol: <b>not</b> markup we run.\n"),
]


@pytest.mark.parametrize("key", sorted(ENDPOINTS))
def test_a_legitimate_file_goes_through_each_endpoint(
    world: Any, db: None, clamd: FakeClamd, limits: None, key: str
) -> None:
    """The positive control: the same checks see a stored file, so the corpus's "nothing
    stored" means something. A plain /OpenAction (open at a page) is a legitimate PDF."""
    endpoint = ENDPOINTS[key]
    writes = Writes()
    for name, data in LEGITIMATE:
        files = media_files()
        rows = endpoint.stored(world)
        with transaction.atomic():
            response = _post(world, endpoint, name, data)
            wrote = writes.since_last()[0]
            kept = endpoint.stored(world) - rows
            transaction.set_rollback(True)
        new_files = media_files() - files
        for path in new_files:
            (Path(settings.MEDIA_ROOT) / path).unlink()
        assert response.status_code in endpoint.success, (name, _text(response)[:2000])
        assert kept == 1 and wrote > 0 and len(new_files) == 1, (name, kept, wrote, new_files)
    assert len(clamd.scanned) == len(LEGITIMATE)
