"""How many new queries one client may make us run: a token bucket per client address.

Only work counts. An answer we already hold (a repeated or persisted query, a ``304``) costs
microseconds and is never limited, as Contentful limits only the requests its CDN cannot answer;
a query we must parse, validate and execute costs milliseconds, and one client sending endless
different queries would otherwise take the server from every patient. Behind a proxy, uvicorn
takes the client's address from ``X-Forwarded-For`` when the proxy is trusted
(``FORWARDED_ALLOW_IPS``, loopback by default), so each reader has a bucket of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from api.lru import LRU


class TokenBuckets:
    """``rate`` new queries a second per client, in bursts of up to ``burst``; rate 0 turns it off.

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
