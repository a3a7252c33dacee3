"""How much work one client may make us do: a token bucket per client address, in units of work.

Only work counts. An answer we already hold (a repeated or persisted query, a ``304``, a rendered
embed page) costs microseconds and is never limited, as Contentful limits only the requests its
CDN cannot answer; a query we must parse, validate and execute, or an embed page we must render,
costs milliseconds, and one client sending endless different ones would otherwise take the server
from every patient. A unit is one piece of work or :data:`UNIT_SECONDS` of the CPU it took,
whichever is more: one unit is taken before the work (so a client with none left waits), the rest
after it, measured, so a client whose queries each take 0.3 s runs out sixty times sooner than
one whose queries take 5 ms. Behind a proxy, uvicorn
takes the client's address from ``X-Forwarded-For`` when the proxy is trusted
(``FORWARDED_ALLOW_IPS``, loopback by default), so each reader has a bucket of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from api.lru import LRU

UNIT_SECONDS = 0.005  # of CPU: what a typical new query takes on this project's machines


def units(cpu_seconds: float) -> float:
    """The units a piece of work that took ``cpu_seconds`` costs beyond the one taken before it."""
    return max(0.0, cpu_seconds / UNIT_SECONDS - 1)


class TokenBuckets:
    """``rate`` units of work a second per client, in bursts of up to ``burst``; rate 0 turns it off.

    The buckets are a bounded LRU: a flood of addresses forgets the quietest clients (their next
    burst starts full) rather than growing without end.
    """

    def __init__(self, rate: float, burst: int, clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = max(0.0, rate)
        self.burst = max(1, burst)
        self.clock = clock
        self.buckets: LRU[str, list[float]] = LRU(clients if self.rate > 0 else 0)

    def take(self, client: str) -> int:
        """Spend one token of ``client``'s: 0 when it may go ahead, else whole seconds to wait."""
        if self.rate <= 0:
            return 0
        now = self.clock()
        bucket = self.buckets.get(client)
        if bucket is None:
            bucket = [float(self.burst), now]
            self.buckets.put(client, bucket)
        tokens = min(float(self.burst), bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens >= 1:
            bucket[0] = tokens - 1
            return 0
        bucket[0] = tokens
        return max(1, math.ceil((1 - tokens) / self.rate))

    def charge(self, client: str, extra: float) -> None:
        """Take ``extra`` more units from ``client`` for work already done (measured after it). A
        bucket may go into debt, at most one burst deep, which later work waits out."""
        if self.rate <= 0 or extra <= 0:
            return
        bucket = self.buckets.get(client)
        if bucket is not None:
            bucket[0] = max(-float(self.burst), bucket[0] - extra)
