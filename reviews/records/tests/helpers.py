"""Posting files as a browser would, including names a browser would never send."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

BOUNDARY = "----leder-records-test-boundary"


def upload_url(token: str, name: str = "upload") -> str:
    return reverse(f"records:{name}", kwargs={"token": token})


def multipart(files: list[tuple[str, bytes]], field: str = "documents") -> tuple[bytes, str]:
    """A multipart body with these (raw name, content) pairs: names are sent as given."""
    parts = []
    for name, data in files:
        head = (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


def post_files(client, token: str, files: list[tuple[str, bytes]], **extra):
    body, content_type = multipart(files)
    return client.post(upload_url(token), data=body, content_type=content_type, **extra)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "records"
    return sorted(root.iterdir()) if root.exists() else []
