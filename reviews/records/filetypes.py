"""What a file is, from its bytes (never its name): the types GP records come in.

PDF, DOCX, RTF, plain text, PNG, JPEG and TIFF are allowed. Everything else is refused,
including programs renamed ``.pdf``, HTML and SVG (markup a browser would run), the old
binary Word format, macro-enabled Word files, encrypted or malformed ZIPs, and ZIPs whose
central directory declares more than we would ever unpack (zip bombs). A DOCX is only
opened far enough to read its central directory and ``[Content_Types].xml`` (at most
``MAX_XML_BYTES``): nothing is decompressed beyond that.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from typing import IO

from reviews.records.models import FileType

HEAD = 8192
MAX_XML_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GB declared in all
MAX_ZIP_RATIO = 100  # declared uncompressed / compressed, for archives over 10 MB unpacked
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
# Control characters other than tab, line breaks, form feed and the old end-of-file mark.
_CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0e-\\x19\\x1b-\\x1f\\x7f]")


class Refused(Exception):
    """Not a type we accept; ``reason`` says why in plain English (without the name)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


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
            return kind
    if head.startswith(OLE2):
        raise Refused(
            "is in the older Word or Office format: save it as a DOCX or PDF and upload it again"
        )
    if head.startswith(ZIP):
        _check_docx(f)
        return FileType.DOCX
    if _is_text(f):
        return FileType.TXT
    raise Refused(NOT_ALLOWED)


def _check_docx(f: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(f) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise Refused(NOT_ALLOWED)
            unpacked = sum(e.file_size for e in entries)
            packed = sum(e.compress_size for e in entries) or 1
            if unpacked > MAX_ZIP_UNCOMPRESSED or (
                unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_ZIP_RATIO
            ):
                raise Refused("is a compressed file that would unpack to far more than its size")
            if any(e.flag_bits & 0x1 for e in entries):
                raise Refused("is protected by a password: remove the password and try again")
            names = {e.filename for e in entries}
            lowered = {n.lower() for n in names}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise Refused(NOT_ALLOWED)
            if any(n.endswith("vbaproject.bin") for n in lowered):
                raise Refused("contains macros: save it as a plain DOCX or PDF and try again")
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_XML_BYTES:
                raise Refused(NOT_ALLOWED)
            with archive.open(info) as member:
                types = member.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
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
