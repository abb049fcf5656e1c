"""Crafted files that every upload endpoint must refuse, storing nothing.

Each ``Attack`` is a file name as a browser would send it (path, control and
bidirectional characters included: the test posts raw multipart), its bytes, and a
part of the sentence the person is told. Binary files are built here rather than kept
in the repository, and the EICAR test string is put together from its two halves, so no
scanner flags the repository itself. ``max_bytes`` is the endpoint's file size limit
(the test lowers it to 1 MB to keep the oversize file small).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

# Refusal sentences (reviews/records/filetypes.py, names.py, uploads.py), in part.
NOT_ALLOWED = "is not a type of file we accept"
OLD_OFFICE = "older Word or Office format"
PASSWORD = "protected by a password"
BOMB = "would unpack to far more than its size"
NESTED = "contains another compressed file"
HIDDEN = "has another file hidden inside it"
MARKUP = "contains web page code"
PDF_ACTIVE = "contains JavaScript, attached files or actions"
MACROS = "contains macros"
EMPTY = "empty"
TOO_BIG = "must be smaller than"
VIRUS = "contains a virus"
PATH = "has a folder path in its name"
CONTROL = "has hidden or control characters in its name"
LOOKALIKE = "has an extension with letters from another alphabet"
LONG = "has a name longer than"

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
MACRO_TYPES_XML = CONTENT_TYPES_XML.replace(
    "wordprocessingml.document.main+xml", "wordprocessingml.document.macroEnabled.main+xml"
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Attack:
    key: str  # a short id, for reports
    name: str  # the file name as sent
    data: bytes
    expect: str  # part of the refusal sentence
    what: str  # the attack, in a few words


# --- legitimate pieces ------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
JPEG_END = b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
TXT = b"Consultation 3 March 2025: review of medication. No changes.\n"


def pdf(body: bytes) -> bytes:
    return b"%PDF-1.4\n" + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def zip_of(members: dict[str, bytes], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None, *, types: str = CONTENT_TYPES_XML) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": types.encode(),
            "word/document.xml": b"<w:document><w:body>Letter</w:body></w:document>",
            **(extra or {}),
        }
    )


def zeros_zip(
    megabytes: int, name: str = "zeros.bin", members: dict[str, bytes] | None = None
) -> bytes:
    """A ZIP with ``members`` and ``name``: ``megabytes`` MB of zeros (deflated ~1/1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for member, data in (members or {}).items():
            archive.writestr(member, data)
        with archive.open(name, "w") as out:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                out.write(chunk)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encrypted_zip_flag(data: bytes) -> bytes:
    """The ZIP with the "encrypted" flag set on every central directory entry."""
    out = bytearray(data)
    index = out.find(b"PK\x01\x02")
    while index != -1:
        out[index + 8] |= 0x01
        index = out.find(b"PK\x01\x02", index + 4)
    return bytes(out)


def corrupt_deflate_docx() -> bytes:
    """A DOCX whose ``[Content_Types].xml`` stream is garbage: inflating it fails."""
    data = bytearray(docx())
    start = data.find(b"PK\x03\x04")
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    body = start + 30 + name_len + extra_len
    for i in range(body, body + 12):
        data[i] = 0xFF
    return bytes(data)


def eicar() -> bytes:
    """The EICAR anti-virus test string, from two halves (never whole in the repository)."""
    return rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS" + rb"-TEST-FILE!$H+H*"


SCRIPT = b"<script>alert(document.cookie)</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 48
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44
PE = MZ[:60] + b"\x40\x00\x00\x00" + b"PE\x00\x00\x4c\x01" + b"\x00" * 32


def attacks(max_bytes: int) -> list[Attack]:
    """Every attack file, for an endpoint whose files must be at most ``max_bytes``."""
    a: list[Attack] = []

    def add(key: str, name: str, data: bytes, expect: str, what: str) -> None:
        a.append(Attack(key, name, data, expect, what))

    # Programs under a document's name.
    add("elf-as-pdf", "scan.pdf", ELF, NOT_ALLOWED, "Linux program (ELF) named .pdf")
    add("mz-as-pdf", "letter.pdf", MZ, NOT_ALLOWED, "DOS/Windows program (MZ) named .pdf")
    add("pe-as-docx", "letter.docx", PE, NOT_ALLOWED, "Windows program (PE) named .docx")
    add("macho-as-png", "photo.png", b"\xcf\xfa\xed\xfe" + b"\x00" * 60, NOT_ALLOWED, "Mach-O")
    add("java-class-as-pdf", "notes.pdf", b"\xca\xfe\xba\xbe" + b"\x00" * 60, NOT_ALLOWED, "Java")
    # Markup a browser would run, under other names.
    for ext in ("txt", "pdf", "png"):
        add(f"html-as-{ext}", f"notes.{ext}", HTML, NOT_ALLOWED, f"HTML with script as .{ext}")
        add(f"svg-as-{ext}", f"image.{ext}", SVG, NOT_ALLOWED, f"SVG with script as .{ext}")
    add(
        "html-after-bom",
        "notes.txt",
        b"\xef\xbb\xbf  \r\n" + HTML,
        NOT_ALLOWED,
        "HTML after a byte-order mark and blank lines",
    )
    add(
        "html-utf16",
        "notes.txt",
        b"\xff\xfe" + HTML.decode().encode("utf-16-le"),
        NOT_ALLOWED,
        "HTML in UTF-16",
    )
    add(
        "script-after-64k",
        "notes.txt",
        TXT * 1200 + SCRIPT.upper(),
        MARKUP,
        "plain text with a script past the first 64 KB",
    )
    # Polyglots: one file, two types.
    add("pdf-zip", "letter.pdf", PDF + zip_of({"payload.js": b"x"}), HIDDEN, "PDF + ZIP")
    add("pdf-html", "letter.pdf", PDF + HTML, MARKUP, "PDF + HTML")
    jpeg_html = JPEG + b"\xff\xfe" + struct.pack(">H", len(HTML) + 2) + HTML + JPEG_END
    add("jpeg-html", "photo.jpg", jpeg_html, MARKUP, "JPEG + HTML in a comment")
    jar = zip_of({"META-INF/MANIFEST.MF": b"Main-Class: A\n", "A.class": b"\xca\xfe\xba\xbe"})
    add("gifar", "photo.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + jar, NOT_ALLOWED, "GIFAR")
    add("jpeg-jar", "photo.jpg", JPEG + JPEG_END + jar, HIDDEN, "JPEG + Java archive")
    add("png-zip", "scan.png", PNG + jar, HIDDEN, "PNG + ZIP")
    png_html = PNG + png_chunk(b"tEXt", b"Comment\x00" + HTML)
    add("png-html", "scan.png", png_html, MARKUP, "PNG + HTML in a text chunk")
    add("rtf-html", "notes.rtf", b"{\\rtf1\\ansi " + HTML + b"}", MARKUP, "RTF + HTML")
    # Zip bombs and nested archives.
    docx_parts = {
        "[Content_Types].xml": CONTENT_TYPES_XML.encode(),
        "word/document.xml": b"<w:document/>",
    }
    bomb = zeros_zip(16, "word/media/zeros.bin", docx_parts)
    add("bomb-ratio", "letter.docx", bomb, BOMB, "DOCX with a 16 MB part of zeros (~1000:1)")
    add(
        "nested-zip",
        "letter.docx",
        docx({"word/embeddings/payload.zip": zeros_zip(1)}),
        NESTED,
        "DOCX carrying a .zip",
    )
    add(
        "nested-hidden",
        "letter.docx",
        docx({"word/media/image1.png": jar}),
        NESTED,
        "DOCX with a ZIP named image1.png",
    )
    add(
        "nested-embedded-bomb",
        "letter.docx",
        docx({"word/embeddings/Sheet1.xlsx": zeros_zip(16, name="xl/zeros.bin")}),
        BOMB,
        "DOCX with an embedded workbook that is a zip bomb",
    )
    add(
        "nested-embedded-zip",
        "letter.docx",
        docx({"word/embeddings/Sheet1.xlsx": zip_of({"xl/inner.zip": jar})}),
        NESTED,
        "DOCX with an embedded workbook carrying a .zip",
    )
    add(
        "zip-of-zips",
        "letter.docx",
        zip_of({"a.zip": jar, "b.zip": jar}),
        NOT_ALLOWED,
        "ZIP of ZIPs named .docx",
    )
    add(
        "corrupt-deflate",
        "letter.docx",
        corrupt_deflate_docx(),
        NOT_ALLOWED,
        "DOCX whose compressed part cannot be inflated",
    )
    # Office files with macros or a password.
    add(
        "docx-vba",
        "letter.docx",
        docx({"word/vbaProject.bin": OLE2 + b"\x00" * 64}),
        MACROS,
        "DOCX with vbaProject.bin",
    )
    add(
        "docx-macro-type",
        "letter.docx",
        docx(types=MACRO_TYPES_XML),
        NOT_ALLOWED,
        "DOCX declaring macro-enabled content",
    )
    add(
        "docx-zip-password",
        "letter.docx",
        encrypted_zip_flag(docx()),
        PASSWORD,
        "DOCX with ZIP encryption",
    )
    encrypted = OLE2 + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    add("ooxml-encrypted", "letter.docx", encrypted, PASSWORD, "encrypted OOXML (OLE2 container)")
    add("old-word", "letter.docx", OLE2 + b"\x00" * 64, OLD_OFFICE, "Word 97 file named .docx")
    # PDFs with active content.
    js = b"1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"
    add("pdf-javascript", "letter.pdf", pdf(js), PDF_ACTIVE, "PDF with OpenAction JavaScript")
    escaped = js.replace(b"/JavaScript", b"/J#61vaScr#69pt").replace(b"/JS", b"/J#53")
    add("pdf-javascript-escaped", "letter.pdf", pdf(escaped), PDF_ACTIVE, "PDF, names #-escaped")
    launch = b"1 0 obj<</Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>>>endobj"
    add("pdf-launch", "letter.pdf", pdf(launch), PDF_ACTIVE, "PDF launching a program")
    attached = b"1 0 obj<</Type/Catalog/Names<</EmbeddedFiles 2 0 R>>>>endobj"
    add("pdf-attachment", "letter.pdf", pdf(attached), PDF_ACTIVE, "PDF with an attached file")
    # Size.
    add("empty", "letter.pdf", b"", EMPTY, "0 bytes")
    add(
        "oversize",
        "letter.pdf",
        PDF + b"0" * (max_bytes + 1 - len(PDF)),
        TOO_BIG,
        "one byte over the file size limit",
    )
    # The anti-virus test file (refused by the scanner: the test runs a fake clamd).
    add("eicar-txt", "notes.txt", eicar(), VIRUS, "EICAR test string")
    add("eicar-as-pdf", "letter.pdf", eicar(), VIRUS, "EICAR test string named .pdf")
    # Names that say where to put the file (contents are fine).
    for key, name in (
        ("path-dotdot", "../../etc/passwd"),
        ("path-absolute", "/etc/passwd"),
        ("path-windows", "..\\..\\Windows\\System32\\drivers\\etc\\hosts"),
        ("path-drive", "C:\\Users\\gp\\letter.pdf"),
        ("path-entities", "&#46;&#46;&#47;&#46;&#46;&#47;etc&#47;passwd"),
    ):
        add(key, name, TXT, PATH, "path traversal in the name")
    # Names that deceive (contents are fine).
    add("name-nul", "letter.exe\x00.pdf", PDF, CONTROL, "NUL in the name")
    add("name-rtl", "cv\u202egpj.exe", JPEG + JPEG_END, CONTROL, "RTL override: shows cvexe.jpg")
    add("name-zero-width", "let\u200bter.pdf", PDF, CONTROL, "zero-width space")
    add("name-escape", "letter\x1b[31m.pdf", PDF, CONTROL, "terminal escape sequence")
    add("name-homoglyph", "letter.\u0440df", PDF, LOOKALIKE, "Cyrillic er in the extension")
    add("name-long", "a" * 300 + ".pdf", PDF, LONG, "a 304-character name")
    return a


def write(folder: str, max_bytes: int = 50 * 1024 * 1024) -> int:
    """Write every attack to ``folder`` as ``<key>`` (the names as sent are in README)."""
    import pathlib

    root = pathlib.Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    built = attacks(max_bytes)
    for attack in built:
        (root / attack.key).write_bytes(attack.data)
    return len(built)
