"""Each collection's records in each order a front-end asks for, made once per content version.

An ordering is the ids in order and each id's place, so that a cursor (an id) finds its place in
one lookup and a page is a slice. Orders by text sort in the reader's language (see
:mod:`api.listing.collation`); orders by date keep content order among equal dates. Orderings
are kept per snapshot and go with it: at most collections × orders × languages of them.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from api.content.model import LocalizedText
from api.content.snapshot import Snapshot
from api.listing.collation import sorted_by_text
from api.lru import LRU

CONTENT, TEXT, UPDATED = "content", "text", "updated"  # what an order sorts by


class Order(NamedTuple):
    by: str  # CONTENT, TEXT or UPDATED
    descending: bool = False

    @property
    def name(self) -> str:
        return f"{self.by}-{'desc' if self.descending else 'asc'}"


@dataclass(frozen=True)
class Collection:
    """A kind of record a front-end lists: where its records are, and what its orders sort by."""

    name: str
    table: str  # the Snapshot field holding its records by id, in content order
    text: Callable[[Any], LocalizedText]  # what TEXT orders sort by (a title, a name, a term)
    updated: Callable[[Any], dt.date] | None = None  # what UPDATED orders sort by, when it has dates

    def records(self, snapshot: Snapshot) -> dict[str, Any]:
        return getattr(snapshot, self.table)  # type: ignore[no-any-return]


DOCUMENTS = Collection("documents", "documents", lambda d: d.title, lambda d: d.review.last_updated)
TREATMENTS = Collection("treatments", "treatments", lambda t: t.name)
GLOSSARY = Collection("glossary", "glossary", lambda g: g.term)


class Ordering(NamedTuple):
    ids: list[str]
    place: dict[str, int]
    dates: list[dt.date] | None = None  # UPDATED orders: each id's date, so a date finds its place by bisection


_orderings: weakref.WeakKeyDictionary[Snapshot, dict[tuple[str, Order, str], Ordering]] = \
    weakref.WeakKeyDictionary()
_lock = threading.Lock()


def text_in(snapshot: Snapshot, locale: str) -> Callable[[LocalizedText], str]:
    """Reads a text in ``locale``, or in its fallbacks when it has none there (as readers see it)."""
    chain = snapshot.fallback_chain(locale)

    def read(text: LocalizedText) -> str:
        found = text.first(chain)
        return found[1] if found else ""

    return read


def ordering(snapshot: Snapshot, collection: Collection, order: Order, locale: str) -> Ordering:
    """``collection``'s ids in ``order`` (text orders in ``locale``'s collation), made once per version."""
    key = (collection.name, order, locale if order.by == TEXT else "")
    with _lock:
        made = _orderings.setdefault(snapshot, {})
        found = made.get(key)
    if found is not None:
        return found
    records = collection.records(snapshot)
    ids = list(records)
    dates = None
    if order.by == TEXT:
        read = text_in(snapshot, locale)
        ids = sorted_by_text(locale, ids, lambda i: read(collection.text(records[i])))
        if order.descending:
            ids.reverse()
    elif order.by == UPDATED:
        if collection.updated is None:
            raise ValueError(f"{collection.name} have no dates to order by")
        dated = collection.updated
        ids.sort(key=lambda i: dated(records[i]), reverse=order.descending)  # stable: content order on ties
        dates = [dated(records[i]) for i in ids]
    elif order.descending:
        ids.reverse()
    found = Ordering(ids, {i: n for n, i in enumerate(ids)}, dates)
    with _lock:
        made[key] = found
    return found


def updated_since(snapshot: Snapshot, collection: Collection, since: dt.date) -> frozenset[str]:
    """The ids of ``collection`` updated on or after ``since``, by bisection in its date order."""
    by_date = ordering(snapshot, collection, Order(UPDATED), snapshot.content.default_locale)
    assert by_date.dates is not None
    return frozenset(by_date.ids[bisect_left(by_date.dates, since):])


PLACES_KEPT = 256  # per version: filters × orders × languages a front-end uses
PLACES_BYTES = 64 * 1024 * 1024
_places: weakref.WeakKeyDictionary[Snapshot, LRU[tuple[Any, ...], array[int]]] = weakref.WeakKeyDictionary()


def places(snapshot: Snapshot, found: Ordering, key: tuple[Any, ...], ids: frozenset[str]) -> array[int]:
    """Where ``ids`` (one filter's, named by ``key``) sit in ``found``, ascending: the walk of a page
    over that filter. Kept per version by ``key`` (bounded by count and bytes)."""
    with _lock:
        kept = _places.get(snapshot)
        if kept is None:
            kept = _places[snapshot] = LRU(PLACES_KEPT, PLACES_BYTES, lambda k, v: v.itemsize * len(v) + 256)
        made = kept.get(key)
    if made is None:
        place = found.place
        made = array("i", sorted(place[i] for i in ids if i in place))
        with _lock:
            kept.put(key, made)
    return made
