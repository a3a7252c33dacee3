"""HTTP validators for the embeds: a strong ETag per exact answer, and ``If-None-Match``."""

from __future__ import annotations

import hashlib

from api.http.conditional import cache_control, last_modified, matches

__all__ = ["cache_control", "etag", "last_modified", "matches"]


def etag(*parts: str) -> str:
    """A strong ETag over everything the bytes depend on."""
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'
