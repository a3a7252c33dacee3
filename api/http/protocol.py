"""uvicorn's httptools protocol with the limits it lacks: header size and count, a header deadline,
connections per client.

httptools (what ``uvicorn[standard]`` runs) reads headers without any limit: a 100 MB header was
answered after 11.6 s of CPU, and its parsing grows with the square of the size. uvicorn's
``h11_max_incomplete_event_size`` only applies to the slower h11 parser. So this protocol counts a
request's head (request line and headers) as its bytes arrive, before the parser sees them, and
refuses it with ``431`` past :attr:`Guards.head_bytes` or :attr:`Guards.headers`; gives the head
:attr:`Guards.head_seconds` to arrive (from the connection or from the request's first byte),
then answers ``408`` and closes; and lets one client address hold at most
:attr:`Guards.connections_per_client` connections at once (a quick ``503`` beyond), so slowloris
from one address cannot take every connection the server has. Everything else is uvicorn's.

Behind a proxy every connection comes from the proxy's address: set ``MAX_CONNECTIONS_PER_CLIENT``
above its connection count, or 0 (the proxy then holds the per-client limits: see
``deploy/nginx.conf``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True)
class Guards:
    head_bytes: int = 16 * 1024  # request line and headers, together
    headers: int = 100
    head_seconds: float = 10.0
    connections_per_client: int = 256  # 0: no limit


@cache
def guards() -> Guards:
    """The guards of this process, from its environment (uvicorn makes the protocol, not us)."""
    from api.settings import from_env

    settings = from_env()
    return Guards(settings.limits.max_head_bytes, settings.limits.max_headers, settings.head_timeout_seconds,
                  settings.max_connections_per_client)


_per_client: Counter[str] = Counter()  # open connections by client address, in this process


def _simple(status: str, message: str) -> bytes:
    body = message.encode()
    return (f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n").encode() + body


TOO_SLOW = _simple("408 Request Timeout", "The request's headers did not arrive in time.")
TOO_MANY = _simple("503 Service Unavailable", "Too many connections from one address: close some and retry.")


_open: set[GuardedHttpToolsProtocol] = set()  # this process's connections, for the deadline's sweep
_sweeping: list[asyncio.TimerHandle] = []


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """The guards cost a request well under a microsecond: a kept-alive connection's next head
    usually arrives whole in one read, and is then let through after three C-level checks (its
    size, that it ends the head, its line count); only a head in pieces, or one near a limit, is
    counted as its bytes arrive. Bytes that arrive while an answer is still being written (a
    pipelined request) are a new head and held to the same limits. The deadline is one sweep a
    second over the open connections instead of a timer per request (a timer each cost the
    persisted GET about a tenth of its speed)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guards = guards()
        self._max_bytes, self._max_lines = self.guards.head_bytes, self.guards.headers + 2  # the head's lines
        self._reading_head = True
        self._head_bytes = self._head_lines = 0
        self._head_started = 0.0
        self._tail = b""
        self._refused = False
        self._address = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._address = self.client[0] if self.client else ""
        _per_client[self._address] += 1
        limit = self.guards.connections_per_client
        if limit and _per_client[self._address] > limit:
            self._refuse(TOO_MANY)
            return
        self._head_started = self.loop.time()
        _open.add(self)
        if not _sweeping:
            _sweeping.append(self.loop.call_later(self._sweep_every(), _sweep, self.loop, self._sweep_every()))

    def connection_lost(self, exc: Exception | None) -> None:
        _open.discard(self)
        _per_client[self._address] -= 1
        if _per_client[self._address] <= 0:
            del _per_client[self._address]
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if not self._reading_head:
            cycle = self.cycle
            if cycle is not None and cycle.more_body and not cycle.response_complete:
                HttpToolsProtocol.data_received(self, data)  # the body of the request being read
                return
            # a new head: on a fresh or kept-alive connection, or pipelined behind an answer
            if len(data) <= self._max_bytes and data.endswith(HEAD_END) and data.count(b"\n") <= self._max_lines:
                HttpToolsProtocol.data_received(self, data)  # the common case: a whole head within the limits
                return
            self._reading_head, self._head_bytes, self._head_lines, self._tail = True, 0, 0, b""
            self._head_started = self.loop.time()
        joined = self._tail + data if self._tail else data
        end = joined.find(HEAD_END)
        here = len(data) if end < 0 else max(0, end + len(HEAD_END) - len(self._tail))
        self._head_bytes += here
        self._head_lines += data.count(b"\n", 0, here)
        if self._head_bytes > self._max_bytes or self._head_lines > self._max_lines:
            self._refuse(self._too_large())
            return
        if end >= 0:
            self._reading_head = False
        else:
            self._tail = joined[-3:]
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        if not self._refused:  # a refusal of ours already answered
            super().send_400_response(msg)

    def _too_large(self) -> bytes:
        return _simple("431 Request Header Fields Too Large", f"The request's headers are too large: at most "
                       f"{self.guards.head_bytes} bytes and {self.guards.headers} headers.")

    def _refuse(self, answer: bytes) -> None:
        self._refused = True
        _open.discard(self)
        if not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()

    def _sweep_every(self) -> float:
        return min(1.0, self.guards.head_seconds / 4)

    def too_slow(self, now: float) -> bool:
        return self._reading_head and not self._refused and now - self._head_started > self.guards.head_seconds


def _sweep(loop: asyncio.AbstractEventLoop, every: float) -> None:
    """Close the connections whose request head is late (``408``), then look again in ``every`` s."""
    now = loop.time()
    for protocol in [p for p in _open if p.too_slow(now)]:
        protocol._refuse(TOO_SLOW)
    _sweeping[:] = [loop.call_later(every, _sweep, loop, every)] if _open else []
