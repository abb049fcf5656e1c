"""A fake clamd on a Unix socket, speaking the real INSTREAM protocol.

Reads ``zINSTREAM\\0`` then chunks (4-byte big-endian length + data) until a zero
length, and answers as clamd does: ``stream: OK``, ``stream: Eicar-Signature FOUND`` for
the EICAR test string, or, in the failure modes, ``INSTREAM size limit exceeded. ERROR``
(``mode="error"``), nothing at all (``"hangup"``) or too late (``"slow"``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import tempfile
import threading
import time

EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class FakeClamd:
    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.dir = tempfile.mkdtemp(prefix="fake-clamd-")
        self.path = os.path.join(self.dir, "clamd.sock")
        self.scanned: list[bytes] = []
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(8)
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _recv_exact(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                part = conn.recv(1)
                if not part:
                    return
                command += part
            if command != b"zINSTREAM\0":
                conn.sendall(b"UNKNOWN COMMAND\0")
                return
            if self.mode == "hangup":
                return
            data = b""
            while True:
                (length,) = struct.unpack("!L", self._recv_exact(conn, 4))
                if length == 0:
                    break
                data += self._recv_exact(conn, length)
            self.scanned.append(data)
            if self.mode == "error":
                conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
            elif self.mode == "slow":
                time.sleep(3)
                conn.sendall(b"stream: OK\0")
            elif EICAR_MARK in data:
                conn.sendall(b"stream: Eicar-Signature FOUND\0")
            else:
                conn.sendall(b"stream: OK\0")

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._quietly, args=(conn,), daemon=True).start()

    def _quietly(self, conn: socket.socket) -> None:
        # A client that gave up (timed out) closes its end: not this server's problem.
        with contextlib.suppress(OSError):
            self._handle(conn)

    def close(self) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            self._server.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
            os.rmdir(self.dir)
