"""File names from organisations: kept for people to read, never used to store a file.

``sanitise_name`` keeps the last part of the name, removes control, format and
bidirectional characters (an RTL override can make ``cod.exe`` look like ``exe.doc``),
replaces characters that are unsafe on common file systems, and makes the extension
match what the content is. ``has_path`` spots a name that tries to say where the file
goes (``../../etc/passwd``, ``C:\\x``): those uploads are refused.
"""

from __future__ import annotations

import html
import re
import unicodedata

from reviews.records.filetypes import EXTENSIONS

MAX_NAME = 120
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_UNSAFE = re.compile(r'[<>:"|?*/\\]')


def has_path(raw: str) -> bool:
    raw = html.unescape(raw or "")
    return "/" in raw or "\\" in raw or raw.strip() in {".", ".."}


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
