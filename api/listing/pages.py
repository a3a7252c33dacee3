"""One page of an ordering, Relay style: ``first``/``after`` forwards, ``last``/``before`` back.

A cursor is opaque to clients: base64url of the list it belongs to (a digest of the collection,
order, language and filters) and the id of its record. So a cursor stays good across a reload
that left its record in place (the same content gives the same cursors), works after a reload
that changed other records (the page continues after the same record), and a cursor whose
record is gone, or that belongs to another list, is refused with a clear error saying to start
again from the first page: it is never silently read as a position.

A page is found by walking the ordering from the cursor's place and keeping the ids a filter
allows, so it costs the page's length plus the records skipped, never the library's length;
counts (``totalCount``, the "is there more" flags) are only worked out when asked for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

DEFAULT_PAGE = 20
MAX_PAGE = 100


class PageError(ValueError):
    """A page request that cannot be answered: its message says what to send instead."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.code = code


def scope_of(*parts: object) -> str:
    """The digest that ties cursors to one list (collection, order, language, filters)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def cursor(scope: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{scope}:{key}".encode()).decode().rstrip("=")


def key_of(value: str, scope: str, argument: str) -> str:
    """The record key a cursor names; raises :class:`PageError` when it is not one of this list's."""
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    found_scope, _, key = decoded.partition(":")
    if not key:
        raise PageError(f"`{argument}` is not a cursor this server gave: use a `cursor` or `endCursor` "
                        "from an earlier page.", "BAD_CURSOR")
    if found_scope != scope:
        raise PageError(f"The `{argument}` cursor belongs to another list (other filters, order or "
                        "language): page with the arguments it was given with.", "BAD_CURSOR")
    return key


@dataclass(frozen=True)
class PageRequest:
    """``first``/``after``/``last``/``before`` as sent, checked: sizes within 0..MAX_PAGE."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            size = getattr(self, name)
            if size is not None and not 0 <= size <= MAX_PAGE:
                raise PageError(f"`{name}` must be between 0 and {MAX_PAGE}, got {size}.")

    @property
    def size(self) -> int:
        """The most records the page can hold (the cost model reads it too)."""
        sizes = [s for s in (self.first, self.last) if s is not None]
        return min(sizes) if sizes else DEFAULT_PAGE


@dataclass
class Page:
    """The ids of one page, their cursors, and the counts around it (worked out when read)."""

    ids: list[str]
    cursors: list[str]
    _has_next: Callable[[], bool]
    _has_previous: Callable[[], bool]
    _total: Callable[[], int]

    @cached_property
    def has_next(self) -> bool:
        return self._has_next()

    @cached_property
    def has_previous(self) -> bool:
        return self._has_previous()

    @cached_property
    def total(self) -> int:
        return self._total()


def cut(ids: Sequence[str], place: dict[str, int], allowed: frozenset[str] | None, request: PageRequest,
        scope: str, gone: str = "record", walked: Sequence[int] | None = None,
        total: Callable[[], int] | None = None) -> Page:
    """One page of ``ids`` (in order; ``place`` maps each to its index), keeping only the ids in
    ``allowed`` (None: every id). ``gone`` names what a stale cursor pointed at, for its error;
    ``total`` counts the whole list when ``ids`` is only its start (a search ranked as deep as needed).

    The plain walk goes along ``ids`` from the cursor and skips what the filter drops: quick when
    the filter keeps much, slow when it keeps little or keeps ids that sit together far along the
    order (treatments of one category, sorted by name: the walk passes 60,000 others first). So
    the caller may give ``walked``, the places (ascending) of a set that holds every allowed id,
    usually one filter's ids in this order (:func:`api.listing.orderings.places`); the walk then
    goes along those alone. Both walks give the same pages (tests/api/test_pages.py compares them)."""
    def index_of(value: str, argument: str) -> int:
        key = key_of(value, scope, argument)
        found = place.get(key)
        if found is None:
            raise PageError(f"The {gone} the `{argument}` cursor points at ({key}) is no longer in this list: "
                            "the content changed. Start again from the first page.", "CURSOR_GONE")
        return found

    low = index_of(request.after, "after") + 1 if request.after is not None else 0
    high = index_of(request.before, "before") if request.before is not None else len(ids)
    keep = None if allowed is None else allowed.__contains__
    if walked is None:
        walked = range(len(ids))
    start, stop = bisect_left(walked, low), bisect_left(walked, high)

    def walk(begin: int, end: int, step: int, want: int) -> list[int]:
        found = []
        for k in range(begin, end, step):
            if keep is None or keep(ids[walked[k]]):
                found.append(k)
                if len(found) >= want:
                    break
        return found

    if request.first is not None or request.last is None:
        size = DEFAULT_PAGE if request.first is None else request.first
        chosen = walk(start, stop, 1, size + 1)
        more_after = len(chosen) > size
        chosen = chosen[:size]
        if request.last is not None:  # both given: the last of the first (as the Relay spec says)
            chosen = chosen[len(chosen) - request.last:] if request.last < len(chosen) else chosen
        begin, end = (chosen[0], chosen[-1]) if chosen else (start, start - 1)
        has_next = (lambda: True) if more_after and request.last is None else \
            (lambda: bool(walk(end + 1, len(walked), 1, 1)))
        has_previous = lambda: bool(walk(begin - 1, -1, -1, 1))  # noqa: E731
    else:
        size = request.last
        chosen = walk(stop - 1, start - 1, -1, size + 1)
        more_before = len(chosen) > size
        chosen = chosen[:size][::-1]
        begin, end = (chosen[0], chosen[-1]) if chosen else (stop, stop - 1)
        has_previous = (lambda: True) if more_before else (lambda: bool(walk(begin - 1, -1, -1, 1)))
        has_next = lambda: bool(walk(end + 1, len(walked), 1, 1))  # noqa: E731

    if total is None:
        total = (lambda: len(ids)) if allowed is None else (lambda: len(allowed))
    page_ids = [ids[walked[k]] for k in chosen]
    return Page(page_ids, [cursor(scope, i) for i in page_ids], has_next, has_previous, total)
