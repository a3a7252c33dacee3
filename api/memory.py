"""Memory the server gives back: pausing the cycle collector over big builds, trimming the C heap.

A content load, a search index and a run of large answers make and free millions of objects and
megabytes of buffers at once. These two helpers keep that from staying resident or from costing
seconds of collector pauses; the content loader, the search index and the endpoint all use them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while a file becomes objects, and keep them out of its way after.

    Loading makes millions of objects that all live on, and each automatic collection scans the
    ones made so far: at 10,000 documents that was most of the load time (12.8 s with the
    collector, 7.2 s without). Once made, the collector would still scan them all three times
    (young, middle, old generation) in the first requests after: pauses of 1.1, 1.8 and 1.8 s at
    10,000 documents. So a load that succeeds ends with ``gc.freeze()``: what is alive then is
    never scanned again. Content has no reference cycles (a test checks it), so reference counting
    still frees a snapshot and its index when they are dropped; the collector resumes as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system, where the C library can (glibc).

    Called after the big one-off builds (a load, a search index) whose temporary parts are freed.

    pydantic-core parses the whole file into a tree of its own before it makes the models, and
    frees it after: 450 MB at 10,000 documents that glibc keeps for reuse, and Python's small
    objects never reuse (they come from pages of their own), so it would stay resident for good.
    """
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)
