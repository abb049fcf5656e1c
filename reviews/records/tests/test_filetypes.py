"""What a file is, by its bytes: every allowed type, every disguise refused; names."""

from __future__ import annotations

import io

import pytest

from reviews.records.filetypes import Refused, detect
from reviews.records.models import FileType
from reviews.records.names import has_path, name_problem, sanitise_name
from reviews.records.tests import factories as f


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (f.PDF, FileType.PDF),
        (f.PNG, FileType.PNG),
        (f.JPEG, FileType.JPEG),
        (f.TIFF, FileType.TIFF),
        (b"MM\x00*" + b"\x00" * 16, FileType.TIFF),
        (f.RTF, FileType.RTF),
        (f.TXT, FileType.TXT),
        ("Café notes, £20 paid\n".encode("cp1252"), FileType.TXT),
        ("\ufeffUTF-8 with a byte order mark\n".encode(), FileType.TXT),
        (f.docx(), FileType.DOCX),
    ],
)
def test_it_knows_each_allowed_type_by_its_content(data, kind):
    stream = io.BytesIO(data)
    assert detect(stream) == kind
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (f.EXE, "not a type of file we accept"),
        (f.HTML, "not a type of file we accept"),
        (f.SVG, "not a type of file we accept"),
        (b"  \n<html><body>x</body></html>", "not a type of file we accept"),
        (b"Notes\n<script>alert(1)</script>", "not a type of file we accept"),
        (b'<?xml version="1.0"?><svg/>', "not a type of file we accept"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "not a type of file we accept"),
        (b"text with a NUL\x00 in it", "not a type of file we accept"),
        (f.DOC, "older Word or Office format"),
        (f.plain_zip(), "not a type of file we accept"),
        (b"PK\x03\x04 not really a zip", "not a type of file we accept"),
        (
            f.docx(extra={"word/vbaProject.bin": b"\x00" * 10}),
            "contains macros",
        ),
    ],
)
def test_it_refuses_anything_else_whatever_it_is_called(data, why):
    with pytest.raises(Refused) as refused:
        detect(io.BytesIO(data))
    assert why in refused.value.reason


def test_it_refuses_a_zip_bomb_from_its_central_directory_without_unpacking_it():
    bomb = f.zip_bomb()
    assert len(bomb) < 1024 * 1024  # 200 MB declared inside

    with pytest.raises(Refused) as refused:
        detect(io.BytesIO(bomb))

    assert "unpack" in refused.value.reason


def test_it_refuses_an_encrypted_docx():
    data = bytearray(f.docx())
    # Set the "encrypted" flag on every central directory entry.
    index = data.find(b"PK\x01\x02")
    while index != -1:
        data[index + 8] |= 0x01
        index = data.find(b"PK\x01\x02", index + 4)

    with pytest.raises(Refused) as refused:
        detect(io.BytesIO(bytes(data)))

    assert "password" in refused.value.reason


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("letter.pdf", FileType.PDF, "letter.pdf"),
        ("Scan 001.JPG", FileType.JPEG, "Scan 001.JPG"),
        ("notes", FileType.TXT, "notes.txt"),
        ("records.pdf", FileType.DOCX, "records.pdf.docx"),
        ("invoice\u202efdp.exe", FileType.PDF, "invoicefdp.exe.pdf"),
        ("zero\u200bwidth.pdf", FileType.PDF, "zerowidth.pdf"),
        ("bad<name>:|?.pdf", FileType.PDF, "bad_name____.pdf"),
        ("...hidden.pdf", FileType.PDF, "hidden.pdf"),
        ("../../etc/passwd", FileType.TXT, "passwd.txt"),
        ("C:\\Users\\gp\\letter.rtf", FileType.RTF, "letter.rtf"),
        ("tab\tand\nnewline.txt", FileType.TXT, "tabandnewline.txt"),
        ("", FileType.PNG, "file.png"),
        ("ﬁle.pdf", FileType.PDF, "file.pdf"),
    ],
)
def test_it_sanitises_names_and_makes_the_extension_match_the_content(raw, kind, expected):
    assert sanitise_name(raw, kind) == expected


def test_it_shortens_long_names_keeping_the_extension():
    name = sanitise_name("a" * 300 + ".pdf", FileType.PDF)
    assert len(name) == 120 and name.endswith(".pdf")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", True),
        ("..\\..\\windows\\system.ini", True),
        ("folder/letter.pdf", True),
        ("..", True),
        ("&#47;etc&#47;passwd", True),
        ("letter.pdf", False),
        ("letter..pdf", False),
    ],
)
def test_it_spots_names_that_carry_a_path(raw, expected):
    assert has_path(raw) is expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("Discharge letter (final).pdf", None),
        ("Zoë's clinic letter.docx", None),
        ("Письмо.pdf", None),  # a name in another alphabet is fine; its extension is not
        ("a" * 251 + ".pdf", None),
        ("../letter.pdf", "folder path"),
        ("letter.exe\x00.pdf", "control characters"),
        ("cv\u202egpj.exe", "control characters"),
        ("let\u200bter.pdf", "control characters"),
        ("letter.\u0440df", "another alphabet"),
        ("a" * 252 + ".pdf", "longer than 255"),
    ],
)
def test_it_refuses_names_that_deceive(raw, problem):
    found = name_problem(raw)
    assert (found is None) if problem is None else (problem in (found or ""))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (f.PDF + f.plain_zip(), "hidden inside"),
        (f.JPEG + b"<html><script>alert(1)</script>", "web page code"),
        (f.TXT * 2000 + b"<SCRIPT>alert(1)</SCRIPT>", "web page code"),
        (f.PDF.replace(b"/Catalog", b"/Catalog/OpenAction<</S/JavaScript/JS(x)>>"), "JavaScript"),
        (f.PDF.replace(b"/Catalog", b"/Catalog/AA<</O<</S/J#61vaScript>>>>"), "JavaScript"),
        (f.docx(extra={"word/embeddings/x.zip": f.plain_zip()}), "another compressed file"),
        (f.docx(extra={"word/media/image1.png": f.plain_zip()}), "another compressed file"),
        (f.DOC[:8] + "EncryptedPackage".encode("utf-16-le"), "password"),
    ],
)
def test_it_refuses_polyglots_active_pdfs_and_nested_archives(data, why):
    with pytest.raises(Refused) as refused:
        detect(io.BytesIO(data))
    assert why in refused.value.reason


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (f.PDF.replace(b"/Catalog", b"/Catalog/OpenAction[3 0 R/Fit]"), FileType.PDF),
        (f.docx(extra={"word/embeddings/Sheet1.xlsx": f.docx()}), FileType.DOCX),
        (b"BP <140/90, HbA1c > 48: reviewed.\n", FileType.TXT),
    ],
)
def test_it_still_accepts_files_that_look_a_little_like_those(data, kind):
    assert detect(io.BytesIO(data)) == kind
