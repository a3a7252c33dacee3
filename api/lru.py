"""A bounded least-recently-used map: every cache the server keeps is one of these.

Unbounded caches are a denial of service waiting for a fuzzer; each one here has a fixed number
of entries, and a cache whose values can be large (answers, pages, query texts) has a byte budget
too: a count alone let forty 12 MB answers grow the server by half a gigabyte. Executions run on
worker threads (see :mod:`api.http.endpoint`), so each map is guarded by its own lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``size`` entries and, when ``weigh`` is given, at most ``max_bytes`` of their weight.

    ``weigh(key, value)`` is called once, when an entry is put; it should count what the entry
    keeps alive (its bytes and its key). An entry heavier than the whole budget is not kept.
    """

    def __init__(self, size: int, max_bytes: int | None = None,
                 weigh: Callable[[K, V], int] | None = None) -> None:
        self.size = max(0, size)
        self.max_bytes = max_bytes if weigh is not None else None
        self._weigh = weigh
        self._data: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}
        self._lock = threading.Lock()
        self.bytes = 0  # the weight held now

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        if self.size == 0:
            return
        weight = self._weigh(key, value) if self._weigh is not None else 0
        with self._lock:
            if self._weigh is not None:
                if self.max_bytes is not None and weight > self.max_bytes:
                    self._drop(key)
                    return
                self.bytes += weight - self._weights.get(key, 0)
                self._weights[key] = weight
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size or (self.max_bytes is not None and self.bytes > self.max_bytes):
                oldest, _ = self._data.popitem(last=False)
                self.bytes -= self._weights.pop(oldest, 0)

    def pop(self, key: K) -> V | None:
        """Drop ``key``; its value, or None when it was not held."""
        with self._lock:
            return self._drop(key)

    def _drop(self, key: K) -> V | None:
        self.bytes -= self._weights.pop(key, 0)
        return self._data.pop(key, None)

    def keys(self) -> list[K]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weights.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._data)
