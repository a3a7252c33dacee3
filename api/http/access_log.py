"""The access log: one line per request, written in batches.

A line through the ``logging`` module costs about 15 µs (a LogRecord, a formatter, a lock, and a
write and flush per line): half the work of answering a cached GET. So access lines skip it and
are batched the way nginx's ``access_log ... buffer=64k flush=1s`` batches them: kept in memory
and written together when 64 KiB have gathered or a second has passed, and at shutdown. The
lines look exactly like our other log lines (``logging``'s ``asctime levelname name message``),
so one grep reads both; an access line may reach the log up to ``flush_seconds`` late, and a
worker killed outright (``SIGKILL``) loses at most that much.

Batching runs between the app's start-up and shutdown (its lifespan). An app driven without its
lifespan (tests calling it in-process) logs each line through ``logging`` as it happens, so
nothing waits in a buffer that nobody will flush.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import TextIO

LOGGER = "clara.access"  # the level of this logger decides whether access lines are written
BUFFER_BYTES = 64 * 1024

log = logging.getLogger(LOGGER)


class AccessLog:
    """Batched access lines to ``stream`` (standard error by default)."""

    def __init__(self, flush_seconds: float = 1.0, stream: TextIO | None = None) -> None:
        self.flush_seconds = max(0.0, flush_seconds)
        self.stream = stream
        self.batching = False
        self.enabled = True
        self._lines: list[str] = []
        self._size = 0
        self._scheduled: asyncio.TimerHandle | None = None
        self._second = -1
        self._stamp = ""

    def start(self) -> None:
        """Begin batching (the app has started). Lines are written only at ``clara.access``'s level."""
        self.enabled = log.isEnabledFor(logging.INFO)
        self.batching = True

    def stop(self) -> None:
        """Write what is left and go back to a line at a time (the app is shutting down)."""
        self.flush()
        self.batching = False

    def write(self, request_id: str, method: str, path: str, status: int, size: int, started: float) -> None:
        """Record one answered request; ``started`` is its ``time.perf_counter()`` at arrival."""
        milliseconds = (time.perf_counter() - started) * 1000
        if not self.batching:
            log.info('%s "%s %s" %d %dB %.1fms', request_id, method, path, status, size, milliseconds)
            return
        if not self.enabled:
            return
        line = (f'{self._now()} INFO {LOGGER} {request_id} "{method} {path}" {status} {size}B '
                f"{milliseconds:.1f}ms\n")
        self._lines.append(line)
        self._size += len(line)
        if self._size >= BUFFER_BYTES or self.flush_seconds == 0:
            self.flush()
        elif self._scheduled is None:
            try:
                self._scheduled = asyncio.get_running_loop().call_later(self.flush_seconds, self.flush)
            except RuntimeError:  # no event loop (a synchronous caller): write now
                self.flush()

    def flush(self) -> None:
        """Write what has gathered. Called by the timer, when the buffer fills, and at shutdown."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        if not self._lines:
            return
        text = "".join(self._lines)
        self._lines.clear()
        self._size = 0
        stream = self.stream or sys.stderr
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):  # a closed or broken log must never fail a request
            pass

    def _now(self) -> str:
        """``2026-11-27 06:17:22,123`` in local time, as ``logging`` writes it; the date part is
        formatted once a second, not once a line."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return f"{self._stamp},{int((now - second) * 1000):03d}"
