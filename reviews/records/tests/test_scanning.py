"""The virus-scan hook against a fake clamd speaking INSTREAM: clean, EICAR, and every
kind of scanner failure refuses the file."""

from __future__ import annotations

import io

import pytest

from reviews.records.models import ScanResult
from reviews.records.scanning import ScanError, VirusFound, scan
from reviews.records.tests import factories as f
from reviews.records.tests.clamd import FakeClamd


@pytest.fixture
def clamd(settings):
    servers = []

    def start(mode="ok"):
        server = FakeClamd(mode)
        servers.append(server)
        settings.LEDER_CLAMAV_SOCKET = server.path
        return server

    yield start
    for server in servers:
        server.close()


def test_without_a_scanner_files_are_marked_not_scanned(settings):
    settings.LEDER_CLAMAV_SOCKET = ""
    settings.LEDER_CLAMAV_HOST = ""
    assert scan(io.BytesIO(f.PDF)) == ScanResult.NOT_SCANNED


def test_it_streams_the_whole_file_and_accepts_a_clean_one(clamd):
    server = clamd()
    data = f.PDF + b"x" * 200_000  # several INSTREAM chunks

    assert scan(io.BytesIO(data)) == ScanResult.CLEAN
    assert server.scanned == [data]


def test_it_refuses_eicar(clamd):
    clamd()
    with pytest.raises(VirusFound):
        scan(io.BytesIO(f.EICAR))


@pytest.mark.parametrize("mode", ["error", "hangup"])
def test_any_scanner_error_is_an_error(clamd, mode):
    clamd(mode)
    with pytest.raises(ScanError):
        scan(io.BytesIO(f.PDF))


def test_a_scanner_that_is_not_there_is_an_error(settings, tmp_path):
    settings.LEDER_CLAMAV_SOCKET = str(tmp_path / "nothing.sock")
    with pytest.raises(ScanError):
        scan(io.BytesIO(f.PDF))


def test_a_scanner_that_is_too_slow_is_an_error(clamd, settings):
    settings.LEDER_CLAMAV_TIMEOUT = 1
    clamd("slow")
    with pytest.raises(ScanError):
        scan(io.BytesIO(f.PDF))


def test_it_speaks_tcp_too(settings):
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received = []

    def serve():
        conn, _ = server.accept()
        with conn:
            data = b""
            while not data.endswith(b"\0\0\0\0"):
                data += conn.recv(65536)
            received.append(data)
            conn.sendall(b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.LEDER_CLAMAV_SOCKET = ""
    settings.LEDER_CLAMAV_HOST = "127.0.0.1"
    settings.LEDER_CLAMAV_PORT = server.getsockname()[1]

    assert scan(io.BytesIO(f.PDF)) == ScanResult.CLEAN
    thread.join(5)
    server.close()
    assert received[0].startswith(b"zINSTREAM\0") and f.PDF in received[0]
