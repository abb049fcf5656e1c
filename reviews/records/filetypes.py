"""What a file is, from its bytes (never its name): the types GP records come in.

PDF, DOCX, RTF, plain text, PNG, JPEG and TIFF are allowed. Everything else is refused,
including programs renamed ``.pdf``, HTML and SVG (markup a browser would run), the old
binary Word format, macro-enabled Word files, encrypted or malformed ZIPs, and ZIPs whose
central directory declares more than we would ever unpack (zip bombs). A DOCX is only
opened far enough to read its central directory, ``[Content_Types].xml`` (at most
``MAX_XML_BYTES``), the first bytes of each part, and the central directory of an
embedded Office document (at most ``MAX_EMBEDDED_BYTES``, one level deep): a DOCX that
carries another archive (``.zip``, a ZIP hidden under another name, or an archive inside
an embedded document) is refused.

Polyglots are refused too: a PDF, image, RTF or text file that is also a ZIP (a ZIP's
directory at its end: PDF+ZIP, "GIFAR"-like JPEG+JAR), or that carries markup a browser
would run anywhere in it (JPEG+HTML, ``<script>`` after 64 KB of text), and a PDF with
active content: JavaScript, launch actions, attached files, Flash (RichMedia), XFA forms
or form submission (names matched as PDF readers read them, ``#xx`` escapes decoded).
JavaScript inside a compressed object stream is not seen by this check (it would need
the PDF unpacked); the virus scanner, when configured, parses PDFs. A plain
``/OpenAction`` (open at a page or zoom) and web links are allowed: ordinary letters
have them. See docs/adr for the decision.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from reviews.records.models import FileType

HEAD = 8192
MAX_XML_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GB declared in all
MAX_ZIP_RATIO = 100  # declared uncompressed / compressed, for archives over 10 MB unpacked
MAX_EMBEDDED_BYTES = 20 * 1024 * 1024  # an Office document embedded in a DOCX
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

CONTENT_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.RTF: "application/rtf",
    FileType.TXT: "text/plain; charset=utf-8",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
    FileType.TIFF: "image/tiff",
}
EXTENSIONS = {
    FileType.PDF: (".pdf",),
    FileType.DOCX: (".docx",),
    FileType.RTF: (".rtf",),
    FileType.TXT: (".txt", ".text", ".csv", ".log"),
    FileType.PNG: (".png",),
    FileType.JPEG: (".jpg", ".jpeg", ".jpe"),
    FileType.TIFF: (".tif", ".tiff"),
}
SIGNATURES = (
    (b"%PDF-", FileType.PDF),
    (b"\x89PNG\r\n\x1a\n", FileType.PNG),
    (b"\xff\xd8\xff", FileType.JPEG),
    (b"II*\x00", FileType.TIFF),
    (b"MM\x00*", FileType.TIFF),
    (b"{\\rtf", FileType.RTF),
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe", b"<head")
CHUNK = 1024 * 1024
OVERLAP = 64  # bytes kept from the previous chunk, so a pattern across two is still seen
ARCHIVE_EXTENSIONS = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar", ".cab", ".bz2")
OFFICE_EXTENSIONS = (".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm", ".dotx", ".xlsb")
ARCHIVE_HEADS = (ZIP, b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MSCF", b"BZh")
ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
# Markup a browser would run, anywhere in a file that is not a ZIP.
_ACTIVE_MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|svg|object|embed|applet|meta|!doctype\s+html)[\s>/]", re.I
)
# PDF names of active content, as a reader reads them (after ``#xx`` escapes).
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)"
    rb"(?=[\s/<>\[\]()%{}]|$)"
)
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Control characters other than tab, line breaks, form feed and the old end-of-file mark.
_CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0e-\\x19\\x1b-\\x1f\\x7f]")


class Refused(Exception):
    """Not a type we accept; ``reason`` says why in plain English (without the name)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


PASSWORD = "is protected by a password: remove the password and try again"
HIDDEN = "has another file hidden inside it: upload the document on its own"
NESTED = "contains another compressed file: upload the documents themselves"
MARKUP_INSIDE = "contains web page code (HTML or script), which is not allowed"
PDF_ACTIVE = (
    "contains JavaScript, attached files or actions that run when it opens: print it to "
    "a new PDF and upload that"
)
NOT_ALLOWED = (
    "is not a type of file we accept: upload a PDF, Word document (DOCX), rich text (RTF) "
    "or text file, or a PNG, JPEG or TIFF image"
)


def detect(f: IO[bytes]) -> str:
    """The ``FileType`` of ``f`` (read from the start; left at the start), or ``Refused``."""
    f.seek(0)
    head = f.read(HEAD)
    f.seek(0)
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            _check_single(f, kind)
            return kind
    if head.startswith(OLE2):
        if _has_encrypted_package(f):
            raise Refused(PASSWORD)
        raise Refused(
            "is in the older Word or Office format: save it as a DOCX or PDF and upload it again"
        )
    if head.startswith(ZIP):
        _check_docx(f)
        return FileType.DOCX
    if _is_text(f):
        _check_single(f, FileType.TXT)
        return FileType.TXT
    raise Refused(NOT_ALLOWED)


def _chunks(f: IO[bytes], limit: int | None = None) -> Iterator[bytes]:
    """``f`` in chunks that overlap by ``OVERLAP`` bytes (up to ``limit`` bytes read)."""
    f.seek(0)
    tail, read = b"", 0
    try:
        while chunk := f.read(CHUNK):
            read += len(chunk)
            yield tail + chunk
            tail = chunk[-OVERLAP:]
            if limit is not None and read >= limit:
                return
    finally:
        f.seek(0)


def _has_encrypted_package(f: IO[bytes]) -> bool:
    """An encrypted Office document (OOXML inside an OLE2 container)."""
    return any(ENCRYPTED_OOXML in chunk for chunk in _chunks(f, limit=CHUNK))


def _check_single(f: IO[bytes], kind: str) -> None:
    """A file of one type only: not also a ZIP, no markup a browser would run, and for a
    PDF no active content."""
    try:
        also_zip = zipfile.is_zipfile(f)
    finally:
        f.seek(0)
    if also_zip:
        raise Refused(HIDDEN)
    for chunk in _chunks(f):
        if _ACTIVE_MARKUP.search(chunk):
            raise Refused(MARKUP_INSIDE)
        if kind == FileType.PDF:
            named = (
                _PDF_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), chunk) if b"#" in chunk else chunk
            )
            if _PDF_ACTIVE.search(named):
                raise Refused(PDF_ACTIVE)


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    """A ZIP's central directory: not too many parts, not a bomb, no password, no macros."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise Refused(NOT_ALLOWED)
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if unpacked > MAX_ZIP_UNCOMPRESSED or (
        unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_ZIP_RATIO
    ):
        raise Refused("is a compressed file that would unpack to far more than its size")
    if any(e.flag_bits & 0x1 for e in entries):
        raise Refused(PASSWORD)
    if any(e.filename.lower().endswith("vbaproject.bin") for e in entries):
        raise Refused("contains macros: save it as a plain DOCX or PDF and try again")


def _check_parts(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """No archive among the parts, by name or by its first bytes; an embedded Office
    document checked as the DOCX was, one level deep."""
    for entry in entries:
        name = entry.filename.lower()
        if name.endswith(ARCHIVE_EXTENSIONS):
            raise Refused(NESTED)
        if entry.is_dir():
            continue
        if name.endswith(OFFICE_EXTENSIONS):
            _check_embedded(archive, entry)
            continue
        with archive.open(entry) as member:
            if member.read(8).startswith(ARCHIVE_HEADS):
                raise Refused(NESTED)


def _check_embedded(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    if entry.file_size > MAX_EMBEDDED_BYTES:
        raise Refused(NESTED)
    with archive.open(entry) as member:
        data = member.read(MAX_EMBEDDED_BYTES + 1)
    if len(data) > MAX_EMBEDDED_BYTES:
        raise Refused(NESTED)
    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        entries = inner.infolist()
        _check_entries(entries)
        for part in entries:
            name = part.filename.lower()
            if name.endswith(ARCHIVE_EXTENSIONS + OFFICE_EXTENSIONS):
                raise Refused(NESTED)


def _check_docx(f: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(f) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise Refused(NOT_ALLOWED)
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_XML_BYTES:
                raise Refused(NOT_ALLOWED)
            with archive.open(info) as member:
                types = member.read(MAX_XML_BYTES + 1)
            _check_parts(archive, entries)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        zlib.error,
    ):
        raise Refused(NOT_ALLOWED) from None
    finally:
        f.seek(0)
    if DOCX_MAIN.encode() not in types or b"macroEnabled" in types:
        raise Refused(NOT_ALLOWED)


def _decodes_cleanly(f: IO[bytes], encoding: str) -> bool:
    f.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := f.read(CHUNK):
            text = decoder.decode(chunk)
            if _CONTROL.search(text):
                return False
        return not _CONTROL.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False
    finally:
        f.seek(0)


def _is_text(f: IO[bytes]) -> bool:
    """UTF-8 (or Windows-1252) text without control characters, and not markup."""
    f.seek(0)
    sample = f.read(65536)
    f.seek(0)
    if sample.lstrip(b"\xef\xbb\xbf \t\r\n\f").startswith(b"<"):
        return False
    if any(tag in sample.lower() for tag in MARKUP):
        return False
    return _decodes_cleanly(f, "utf-8-sig") or _decodes_cleanly(f, "cp1252")
