"""A loaded snapshot is frozen out of the cycle collector's way, so it must never need it."""

from __future__ import annotations

import gc
import weakref

from api import search
from api.content.snapshot import load_bytes
from bench import corpus


def test_a_dropped_snapshot_and_its_index_are_freed_by_reference_counting() -> None:
    snapshot = load_bytes(corpus.dumps(3))
    index = search.index_for(snapshot, "es")
    document = next(iter(snapshot.documents.values()))
    refs = [weakref.ref(x) for x in (snapshot, index, snapshot.content, document, document.sections[0].blocks[0],
                                     document.title, index.entries[0])]
    del index, document
    enabled = gc.isenabled()
    gc.disable()  # so only reference counting can free them
    try:
        del snapshot
        assert [ref() for ref in refs] == [None] * len(refs)
    finally:
        if enabled:
            gc.enable()


def test_loading_leaves_the_collector_as_it_was() -> None:
    gc.disable()
    load_bytes(corpus.dumps(2))
    assert not gc.isenabled()
    gc.enable()
    load_bytes(corpus.dumps(2))
    assert gc.isenabled()
