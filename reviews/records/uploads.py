"""Reading and checking a batch of uploaded files, before anything is stored.

``parse_upload(request)`` reads the multipart body with Django's parser, noting every
file name that carried a path (Django would silently keep only its last part, or drop
it). ``check_files`` returns the files ready to store, or every problem found, each a
sentence naming the file: the batch is stored whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser

from reviews.records import conf
from reviews.records.filetypes import CONTENT_TYPES, Refused, detect
from reviews.records.models import RecordRequest
from reviews.records.names import has_path, sanitise_name
from reviews.records.scanning import ScanError, VirusFound, scan

CHUNK = 1024 * 1024


class _Parser(MultiPartParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path_names: list[str] = []

    def sanitize_file_name(self, file_name: str) -> str | None:
        clean = super().sanitize_file_name(file_name)
        if has_path(file_name):
            self.path_names.append(clean or "A file")
        return clean


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


def request_totals(request: RecordRequest) -> tuple[int, int, set[str]]:
    """Files kept on ``request``: how many, how many bytes, and their SHA-256s."""
    files = request.files.filter(removed_at__isnull=True)
    totals = files.aggregate(n=Count("pk"), size=Coalesce(Sum("size"), 0))
    return totals["n"], totals["size"], set(files.values_list("sha256", flat=True))


def check_files(
    request: RecordRequest, uploads: list[UploadedFile], path_names: list[str]
) -> tuple[list[CheckedFile], list[str]]:
    errors = [
        f"{name} has a folder path in its name: rename the file and try again"
        for name in path_names
    ]
    if not uploads and not errors:
        return [], ["Select the files to upload"]
    per_upload, max_files = conf.max_files_per_upload(), conf.max_files()
    if len(uploads) > per_upload:
        return [], [f"Select up to {per_upload} files at a time"]
    count, size, hashes = request_totals(request)
    if count + len(uploads) > max_files:
        left = max(max_files - count, 0)
        return [], [f"You can send up to {max_files} files for this request: {left} more"]
    max_file = conf.max_file_bytes()
    checked: list[CheckedFile] = []
    seen = set(hashes)
    for upload in uploads:
        shown = (upload.name or "A file")[:80]
        if not upload.size:
            errors.append(f"{shown} is empty")
            continue
        if upload.size > max_file:
            errors.append(f"{shown} must be smaller than {mb(max_file)}")
            continue
        try:
            file_type = detect(upload)
        except Refused as refused:
            errors.append(f"{shown} {refused.reason}")
            continue
        digest = _sha256(upload)
        if digest in seen:
            errors.append(f"{shown} has already been uploaded")
            continue
        seen.add(digest)
        checked.append(
            CheckedFile(
                upload=upload,
                name=sanitise_name(upload.name or "", file_type),
                size=upload.size,
                sha256=digest,
                file_type=file_type,
                content_type=CONTENT_TYPES[file_type],  # type: ignore[index]
            )
        )
    max_total = conf.max_request_bytes()
    if not errors and size + sum(c.size for c in checked) > max_total:
        errors.append(f"The files for this request must be smaller than {mb(max_total)} in all")
    if errors:
        return [], errors
    for item in checked:  # only a batch we would store is worth scanning
        try:
            item.scan = scan(item.upload)
        except VirusFound:
            errors.append(f"{item.name} contains a virus")
        except ScanError:
            errors.append(
                f"{item.name} could not be checked for viruses: try again in a few minutes"
            )
    return ([], errors) if errors else (checked, [])
