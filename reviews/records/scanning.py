"""The virus-scan hook: ClamAV's clamd, over its INSTREAM protocol, when configured.

``LEDER_CLAMAV_SOCKET`` (a Unix socket) or ``LEDER_CLAMAV_HOST`` (+ ``LEDER_CLAMAV_PORT``)
turn it on. Then every file is streamed to clamd before it is stored, and anything but a
clean answer refuses the file: a virus (``VirusFound``), and any scanner error, timeout or
refusal (``ScanError``: for example a file larger than clamd's ``StreamMaxLength``).
Without either setting, files are stored unscanned and marked so.
"""

from __future__ import annotations

import socket
import struct
from typing import IO

from django.conf import settings

from reviews.records.models import ScanResult

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScanError(Exception):
    """The scanner could not say the file is clean."""


class VirusFound(Exception):
    pass


def scanner_configured() -> bool:
    return bool(getattr(settings, "LEDER_CLAMAV_SOCKET", "") or _host())


def _host() -> str:
    return str(getattr(settings, "LEDER_CLAMAV_HOST", ""))


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "LEDER_CLAMAV_TIMEOUT", 60))
    path = str(getattr(settings, "LEDER_CLAMAV_SOCKET", ""))
    if path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(path)
        return sock
    port = int(getattr(settings, "LEDER_CLAMAV_PORT", 3310))
    return socket.create_connection((_host(), port), timeout=timeout)


def _instream(f: IO[bytes]) -> str:
    with _connect() as sock:
        sock.sendall(b"zINSTREAM\0")
        f.seek(0)
        while chunk := f.read(CHUNK):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < MAX_REPLY:
            part = sock.recv(MAX_REPLY)
            if not part:
                break
            reply += part
    f.seek(0)
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(f: IO[bytes]) -> str:
    """Scan ``f``: ``ScanResult.CLEAN``, or ``NOT_SCANNED`` with no scanner configured.
    Raises ``VirusFound`` or ``ScanError``."""
    if not scanner_configured():
        return ScanResult.NOT_SCANNED
    try:
        reply = _instream(f)
    except OSError as exc:  # refused, reset, timed out, broken pipe
        raise ScanError(type(exc).__name__) from None
    if reply.endswith("FOUND"):
        raise VirusFound(reply.removeprefix("stream:").removesuffix("FOUND").strip())
    if reply == "stream: OK":
        return ScanResult.CLEAN
    raise ScanError(reply[:100] or "no answer")
