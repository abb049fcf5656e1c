"""File names from organisations: kept for people to read, never used to store a file.

``sanitise_name`` keeps the last part of the name, removes control, format and
bidirectional characters (an RTL override can make ``cod.exe`` look like ``exe.doc``),
replaces characters that are unsafe on common file systems, and makes the extension
match what the content is. ``has_path`` spots a name that tries to say where the file
goes (``../../etc/passwd``, ``C:\\x``): those uploads are refused. ``name_problem`` also
refuses names no real system produces and that only serve to deceive: control, format
and bidirectional characters (``cv\\u202egpj.exe`` shows as ``cvexe.jpg``; NUL cuts
``a.exe\\0.pdf`` short), an extension spelt with look-alike letters (``.\\u0440df``, a
Cyrillic er) and names longer than file systems allow. Django's parser would silently
drop the characters and shorten the name (``reviews.records.uploads.parse_upload`` keeps
the name as sent, for this check).
"""

from __future__ import annotations

import html
import re
import unicodedata

from reviews.records.filetypes import EXTENSIONS

MAX_NAME = 120
MAX_RAW_NAME = 255  # characters: what common file systems allow
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_UNSAFE = re.compile(r'[<>:"|?*/\\]')


def has_path(raw: str) -> bool:
    raw = html.unescape(raw or "")
    return "/" in raw or "\\" in raw or raw.strip() in {".", ".."}


def name_problem(raw: str) -> str | None:
    """Why the name ``raw`` (as sent) is refused, as the end of a sentence that starts with
    the file's name; None when it is acceptable."""
    raw = html.unescape(raw or "")
    if has_path(raw):
        return "has a folder path in its name: rename the file and try again"
    if len(raw) > MAX_RAW_NAME:
        return (
            f"has a name longer than {MAX_RAW_NAME} characters: "
            "give it a shorter name and try again"
        )
    if any(unicodedata.category(ch) in _DROP_CATEGORIES for ch in raw):
        return "has hidden or control characters in its name: rename the file and try again"
    stem, dot, ext = raw.rpartition(".")
    if dot and stem and not ext.isascii():
        return (
            "has an extension with letters from another alphabet, which can disguise "
            "what it is: rename the file and try again"
        )
    return None


def sanitise_name(raw: str, file_type: str) -> str:
    name = unicodedata.normalize("NFKC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROP_CATEGORIES)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    extensions = EXTENSIONS[file_type]  # type: ignore[index]
    if f".{ext.lower()}" not in extensions:
        stem, ext = name, extensions[0].lstrip(".")
    stem = stem.strip(" .") or "file"
    return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}"
