"""Secret tokens for links sent by email (GP record upload links).

A token is 32 random bytes (256 bits) from ``secrets``, URL-safe base64 (43 characters).
Only its SHA-256 is stored: a copy of the database alone opens nothing. Links are found
by that hash, so the comparison is an indexed equality in PostgreSQL on a value the
caller cannot choose (the hash of what they sent), and the time it takes does not depend
on how much of a real token someone guessed.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32
# Anything longer than this is not one of ours; it is still hashed (same work either way).
MAX_TOKEN_LENGTH = 100


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The stored form of ``token``: 64 hex characters."""
    return hashlib.sha256(token[:MAX_TOKEN_LENGTH].encode("utf-8", "replace")).hexdigest()
