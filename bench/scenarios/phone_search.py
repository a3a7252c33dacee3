"""The phone's search on the bundled content: the store and the shared rules, no window.

A store is built from the snapshot the app ships, as on a new phone; the first search of a
language builds its index from the stored rows (timed on its own), then every query of the
search goal's set (``tests/search/queries.py``: typos, plurals, lay words, both languages) is
run ``ROUNDS`` times through ``Store.find``, as the search screen calls it while one types.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROUNDS = 5


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def run(log: Callable[[str], None] = print) -> dict[str, Any]:
    from mobile import snapshot
    from mobile.store import open_store
    from tests.search.queries import QUERIES

    with tempfile.TemporaryDirectory(prefix="clara-phone-search-") as folder:
        store = open_store(Path(folder) / "clara.sqlite3", snapshot.load).store
        try:
            first: dict[str, float] = {}
            for locale in sorted({q[0] for q in QUERIES}):
                started = time.perf_counter()
                store.find("a", locale)
                first[locale] = _ms(time.perf_counter() - started)
            times = []
            for _ in range(ROUNDS):
                for locale, text, _expected, _kind in QUERIES:
                    started = time.perf_counter()
                    store.find(text, locale)
                    times.append(time.perf_counter() - started)
        finally:
            store.close()
    times.sort()
    found = {"queries": len(QUERIES), "rounds": ROUNDS, "first_search_ms": first,
             "p50_ms": _ms(times[len(times) // 2]), "p95_ms": _ms(times[int(0.95 * len(times))]),
             "max_ms": _ms(times[-1]), "how": __doc__.split("\n\n")[1].replace("\n", " ")}
    log(f"  phone search: p50 {found['p50_ms']} ms, p95 {found['p95_ms']} ms, max {found['max_ms']} ms; "
        f"first search (index build) {first}")
    return found
