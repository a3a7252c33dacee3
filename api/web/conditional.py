"""HTTP caching validators shared by the API and the embeds: ETag comparison and cache headers."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime

from api.content.snapshot import Snapshot


def etag(*parts: str) -> str:
    """A strong ETag over everything the bytes depend on."""
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 weak comparison, as ``If-None-Match`` uses: ``W/"x"`` matches ``"x"``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == tag for candidate in if_none_match.split(","))


def last_modified(snapshot: Snapshot) -> str:
    """``Last-Modified``: when the content being served last changed."""
    return format_datetime(snapshot.modified_at, usegmt=True)


def cache_control(max_age: int, stale_while_revalidate: int) -> str:
    """What every cacheable answer says: shared caches may keep it, and serve it stale while they revalidate."""
    return f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}"
