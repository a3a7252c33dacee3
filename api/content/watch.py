"""Noticing a new content file without being told: each worker looks at the file's identity.

``publish`` replaces the live file by a rename, and several workers (or machines sharing the
file) must all serve it within seconds without anyone knowing their process ids. So each worker
looks at the file's inode, size and modification time every ``CONTENT_WATCH_SECONDS`` (a
``stat``: microseconds) and reloads when they change. A file written in place in several steps
may be seen half-written: that reload is refused (and logged) like any bad file, and the next
look, after the last write, loads it. ``SIGHUP`` still reloads at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from api.content.live import LiveContent

log = logging.getLogger("clara.content")

Signature = tuple[int, int, int, int]


def signature(path: Path) -> Signature | None:
    """What identifies this file's contents without reading them; None when it is missing."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


async def watch(live: LiveContent, every: float, seen: Signature | None = None) -> None:
    """Reload ``live`` whenever its file changes; runs until cancelled (the app's shutdown).

    ``seen`` is the file's signature from before it was loaded: a file replaced between that
    load and this watch's start is then reloaded too (at worst once for nothing)."""
    seen = seen if seen is not None else signature(live.path)
    missing = False
    while True:
        await asyncio.sleep(every)
        now = signature(live.path)
        if now is None:
            if not missing:
                log.error("content file %s is missing; still serving %s", live.path, live.current.version)
            missing = True
            continue
        missing = False
        if now != seen:
            seen = now
            try:
                await asyncio.to_thread(live.reload)
            except Exception:  # a bug, not a bad file (refused and logged by reload): keep watching
                log.exception("reloading %s after it changed failed", live.path)
