"""Factories and helpers for record requests: synthetic data only.

``RecordRequestFactory()`` is a request queued to a case's GP practice (no link yet).
``deliver_owed()`` runs the real delivery for every owed email (locmem backend) and
returns the tokens found in the links sent, newest last.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import factory
from django.core import mail
from factory.django import DjangoModelFactory

from reviews.records.models import RecordEmail, RecordRequest
from reviews.records.services import record_email_deliver
from reviews.tests.factories import CaseFactory

TOKEN_RE = re.compile(r"/records/upload/([A-Za-z0-9_-]{43})/")


class RecordRequestFactory(DjangoModelFactory):
    class Meta:
        model = RecordRequest

    case = factory.SubFactory(CaseFactory)
    organisation = factory.SelfAttribute("case.notification.gp_practice")
    recipient_email = factory.LazyAttribute(lambda o: o.organisation.secure_email)
    period_from = datetime.date(2023, 1, 10)
    period_to = datetime.date(2026, 1, 10)


def deliver_owed() -> list[str]:
    """Deliver every owed email now, as the worker would; the tokens sent, in order."""
    before = len(mail.outbox)
    for email_id in RecordEmail.objects.pending().order_by("pk").values_list("pk", flat=True):
        record_email_deliver(email_id)
    tokens = []
    for message in mail.outbox[before:]:
        tokens += TOKEN_RE.findall(message.body)
    return tokens


# --- Synthetic files of each kind -----------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32
RTF = b"{\\rtf1\\ansi Consultation notes}"
TXT = b"Consultation 3 March 2025: review of medication.\r\nNo changes.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(text: str = "Letter from the practice", *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", f"<w:document><w:body>{text}</w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A DOCX-shaped archive whose one member unpacks to 200 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()
