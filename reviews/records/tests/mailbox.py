"""A test email backend for real workers: each delivered message becomes one file.

``LEDER_TEST_MAILBOX`` names the directory. ``LEDER_TEST_SEND_DELAY`` (seconds) makes
every send slow, so a test can kill the worker in the middle of one: a message counts
as delivered only once its file is renamed into place, after the delay.
"""

from __future__ import annotations

import email
import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class DirectoryBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(os.environ["LEDER_TEST_MAILBOX"])
        delay = float(os.environ.get("LEDER_TEST_SEND_DELAY", "0") or 0)
        for message in email_messages:
            if delay:
                time.sleep(delay)
            name = uuid.uuid4().hex
            partial = folder / f".{name}.part"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, folder / f"{name}.eml")
        return len(email_messages)


def delivered(folder: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]
