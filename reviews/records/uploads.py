"""Reading and checking uploaded files, before anything is stored.

``parse_upload(request)`` reads the multipart body with Django's parser, noting every
file name that carried a path (Django would silently keep only its last part, or drop
it) and keeping each file's name as sent (``raw_name``: Django drops control characters
and shortens long names). ``check_file`` is the one check of one file (its name as sent,
size, type from its bytes, a repeat of a file already kept) and ``scan_file`` the virus
scan, for every upload endpoint: GP records here, action evidence in
``governance.services.evidence``. ``check_files`` returns a batch ready to store, or
every problem found, each a sentence naming the file: the batch is stored whole or not
at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str

from reviews.records import conf
from reviews.records.filetypes import CONTENT_TYPES, Refused, detect
from reviews.records.models import RecordRequest
from reviews.records.names import has_path, name_problem, sanitise_name
from reviews.records.scanning import ScanError, VirusFound, scan

CHUNK = 1024 * 1024
RAW_NAME = "leder_raw_name"  # the attribute of an UploadedFile with its name as sent


class FileRefused(Exception):
    """One file refused: ``message`` is a whole sentence naming it."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class _Parser(MultiPartParser):
    # Set by ``MultiPartParser.parse`` before it calls the handlers below.
    _files: MultiValueDict[str, UploadedFile]
    _encoding: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path_names: list[str] = []
        self._raw_name = ""

    def sanitize_file_name(self, file_name: str) -> str | None:
        self._raw_name = file_name
        clean = super().sanitize_file_name(file_name)
        if has_path(file_name):
            self.path_names.append(clean or "A file")
        return clean

    def handle_file_complete(self, old_field_name: str, counters: list[int]) -> None:
        super().handle_file_complete(old_field_name, counters)
        files = self._files.getlist(force_str(old_field_name, self._encoding, errors="replace"))
        if files:
            setattr(files[-1], RAW_NAME, self._raw_name)


def parse_upload(request: HttpRequest) -> list[str]:
    """Parse ``request``'s multipart body into ``request.POST`` / ``request.FILES``.
    Returns the (shortened) names of files whose name carried a path."""
    if hasattr(request, "_files") or not (request.content_type or "").startswith(
        "multipart/form-data"
    ):
        request.POST  # noqa: B018 - Django's own parse for any other body
        return []
    parser = _Parser(request.META, request, request.upload_handlers, request.encoding)
    post, files = parser.parse()
    request.POST = post  # type: ignore[assignment]
    request._files = files  # type: ignore[attr-defined]
    return parser.path_names


def mb(size: int) -> str:
    return f"{size // conf.MB}MB"


@dataclass
class CheckedFile:
    upload: UploadedFile
    name: str
    size: int
    sha256: str
    file_type: str
    content_type: str
    scan: str = ""


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


Totals = tuple[int, int, set[str]]


def request_totals(request: RecordRequest) -> Totals:
    """Files kept on ``request``: how many, how many bytes, and their SHA-256s (one query)."""
    totals = request.files.filter(removed_at__isnull=True).aggregate(
        n=Count("pk"), size=Coalesce(Sum("size"), 0), hashes=ArrayAgg("sha256")
    )
    return totals["n"], totals["size"], set(totals["hashes"] or ())


def raw_name(upload: UploadedFile) -> str:
    """The name as the browser sent it (``parse_upload``), else Django's."""
    return str(getattr(upload, RAW_NAME, None) or upload.name or "")


def check_file(upload: UploadedFile, *, seen: set[str]) -> CheckedFile:
    """``upload`` checked (name as sent, size, type, not one of the ``seen`` SHA-256s),
    or ``FileRefused``. Nothing is stored or scanned."""
    shown = (upload.name or "A file")[:80]
    problem = name_problem(raw_name(upload))
    if problem:
        raise FileRefused(f"{shown} {problem}")
    if not upload.size:
        raise FileRefused(f"{shown} is empty")
    max_file = conf.max_file_bytes()
    if upload.size > max_file:
        raise FileRefused(f"{shown} must be smaller than {mb(max_file)}")
    try:
        file_type = detect(upload)
    except Refused as refused:
        raise FileRefused(f"{shown} {refused.reason}") from None
    digest = _sha256(upload)
    if digest in seen:
        raise FileRefused(f"{shown} has already been uploaded")
    return CheckedFile(
        upload=upload,
        name=sanitise_name(upload.name or "", file_type),
        size=upload.size,
        sha256=digest,
        file_type=file_type,
        content_type=CONTENT_TYPES[file_type],  # type: ignore[index]
    )


def scan_file(item: CheckedFile) -> None:
    """The virus scan of a checked file (``item.scan`` set), or ``FileRefused``."""
    try:
        item.scan = scan(item.upload)
    except VirusFound:
        raise FileRefused(f"{item.name} contains a virus") from None
    except ScanError:
        raise FileRefused(
            f"{item.name} could not be checked for viruses: try again in a few minutes"
        ) from None


def check_files(
    request: RecordRequest,
    uploads: list[UploadedFile],
    path_names: list[str],
    *,
    totals: Totals | None = None,
) -> tuple[list[CheckedFile], list[str]]:
    """The batch, checked against ``request``'s files (``totals``: its
    ``request_totals`` if the caller has just read them). One query at most, whatever
    the number of files; the service checks again under its lock."""
    errors = [
        f"{name} has a folder path in its name: rename the file and try again"
        for name in path_names
    ]
    if not uploads and not errors:
        return [], ["Select the files to upload"]
    per_upload, max_files = conf.max_files_per_upload(), conf.max_files()
    if len(uploads) > per_upload:
        return [], [f"Select up to {per_upload} files at a time"]
    count, size, hashes = totals if totals is not None else request_totals(request)
    if count + len(uploads) > max_files:
        left = max(max_files - count, 0)
        return [], [f"You can send up to {max_files} files for this request: {left} more"]
    checked: list[CheckedFile] = []
    seen = set(hashes)
    for upload in uploads:
        if has_path(raw_name(upload)):
            continue  # said above, from the parser's list
        try:
            item = check_file(upload, seen=seen)
        except FileRefused as refused:
            errors.append(refused.message)
            continue
        seen.add(item.sha256)
        checked.append(item)
    max_total = conf.max_request_bytes()
    if not errors and size + sum(c.size for c in checked) > max_total:
        errors.append(f"The files for this request must be smaller than {mb(max_total)} in all")
    if errors:
        return [], errors
    for item in checked:  # only a batch we would store is worth scanning
        try:
            scan_file(item)
        except FileRefused as refused:
            errors.append(refused.message)
    return ([], errors) if errors else (checked, [])
