"""Sync in pages: what a phone is sent next, from its token and the content versions we know.

A sync is a *chain* of pages. A phone with nothing (or whose version we no longer know) gets a
complete copy: every item in its languages, in key order. A phone whose version we know gets only
the items added, changed or removed since then (a removal is an item with no version). Each page
is bounded in items and in bytes and ends with the token of the next page; the last page instead
carries the token for the next sync and the *manifest* of the version (count and digest of every
item), which the phone checks its copy against before it switches to it.

Pages depend only on the token and the content, so every phone asking for the same page of the
same version gets the same bytes (a CDN can share them). The position in a token is an item key,
not an offset, so it stays meaningful when the content changes mid-chain: later pages then come
from the newer version, each page says which version it is from, and the phone, once at the end,
asks for what changed since the first page's version (see ``mobile.sync``).
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from api.content.items import Entry, ItemTable, Localizer, item_data
from api.content.snapshot import Snapshot
from api.content.sync_tokens import DEFAULT_KEY, BadToken, Token, TokenCodec
from rules.items import Key

DEFAULT_PAGE_ITEMS = 200
MAX_PAGE_ITEMS = 500
PAGE_BYTES = 448 * 1024       # of item JSON; with the envelope a page stays under 512 KB
DELETION_BYTES = 90
DELTA_CACHE_ENTRIES = 8


class NotReady(Exception):
    """The table of the version being served is still being built (just after a start or a reload)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class Tables(Protocol):
    def table(self, version: str) -> ItemTable | None: ...


@dataclass(frozen=True)
class PageItem:
    kind: str
    id: str
    locale: str
    version: str | None        # None: the item was removed
    data: dict[str, Any] | None


@dataclass(frozen=True)
class Page:
    version: str
    since: str | None                # the chain's starting version; None for a complete copy
    reset: bool                      # drop what this chain gathered so far and start from this page
    locales: tuple[str, ...]
    items: list[PageItem]
    next_page_token: str | None
    next_sync_token: str | None
    manifest: tuple[int, str] | None

    @property
    def full_sync(self) -> bool:
        """The chain is a complete copy (it brings nothing up from an older version)."""
        return self.since is None


class SyncPager:
    """Turns (token or locales, page size) into a page of one content version. One per process."""

    def __init__(self, key: str = DEFAULT_KEY, page_bytes: int = PAGE_BYTES) -> None:
        self.key = key
        self.page_bytes = page_bytes
        self._codecs: dict[str, TokenCodec] = {}
        self._deltas: OrderedDict[tuple[str, str, tuple[str, ...]], list[Key]] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, tables: Tables, snapshot: Snapshot, *, token: str | None, locales: Sequence[str],
             size: int | None) -> Page:
        """The page for ``token`` (or the start of a sync in ``locales``). Raises BadToken or NotReady."""
        table = tables.table(snapshot.version)
        if table is None:
            raise NotReady(retry_after=2)
        # tokens name the library they belong to: the institution's id
        library = snapshot.content.institution.id
        codec = self._codecs.get(library) or self._codecs.setdefault(library, TokenCodec(self.key, library))
        if token is None:
            start = Token("page", tuple(sorted(locales)), None, None, _valid_size(size))
            return self._chain(codec, tables, table, snapshot, start, start=True)
        parsed = codec.decode(token)
        kept = tuple(c for c in parsed.locales if c in snapshot.locales)
        if not kept:
            raise BadToken("None of the token's languages is offered any more. Start again without a token.")
        if parsed.purpose == "sync":
            start = Token("page", kept, parsed.since, None, _valid_size(size))
            return self._chain(codec, tables, table, snapshot, start, start=True)
        at = Token("page", kept, parsed.since, parsed.after, _valid_size(parsed.size or None), parsed.origin,
                   parsed.mixed)
        return self._chain(codec, tables, table, snapshot, at, start=False)

    def _chain(self, codec: TokenCodec, tables: Tables, table: ItemTable, snapshot: Snapshot, at: Token, *,
               start: bool) -> Page:
        since, reset = at.since, False
        if since is not None and since != table.version and tables.table(since) is None:
            # a version we no longer know (too old, or from before a restart): a complete copy
            since, reset, at = None, not start, Token("page", at.locales, None, None, at.size)
        origin = table.version if start or reset or at.origin is None else at.origin
        mixed = at.mixed or origin != table.version
        if since == table.version:
            entries: Iterator[Entry | Key] = iter(())
        elif since is None:
            entries = table.entries(at.locales, at.after)
        else:
            entries = self._delta(tables, table, since, at.locales, at.after)
        items, last, more = self._take(entries, table, snapshot, at.size)
        if more:
            next_page = codec.encode(Token("page", at.locales, since, last, at.size, origin, mixed))
            return Page(table.version, since, reset, at.locales, items, next_page, None, None)
        if mixed:
            # Pages came from more than one version: go on with what changed since the first one,
            # which makes the gathered copy exactly this version (or, if that version is gone by
            # then, starts a complete copy with ``reset``).
            next_page = codec.encode(Token("page", at.locales, origin, None, at.size, table.version))
            return Page(table.version, since, reset, at.locales, items, next_page, None, None)
        next_sync = codec.encode(Token("sync", at.locales, table.version))
        return Page(table.version, since, reset, at.locales, items, None, next_sync,
                    table.manifest(at.locales))

    def _delta(self, tables: Tables, table: ItemTable, since: str, locales: tuple[str, ...],
               after: Key | None) -> Iterator[Entry | Key]:
        key = (since, table.version, locales)
        with self._lock:
            keys = self._deltas.get(key)
            if keys is not None:
                self._deltas.move_to_end(key)
        if keys is None:
            older = tables.table(since)
            assert older is not None
            keys = table.changed_since(older, locales)
            with self._lock:
                self._deltas[key] = keys
                while len(self._deltas) > DELTA_CACHE_ENTRIES:
                    self._deltas.popitem(last=False)
        start = bisect.bisect_right(keys, after) if after is not None else 0
        for k in keys[start:]:
            yield table.get(k) or k  # a key no longer in the table: removed

    def _take(self, entries: Iterator[Entry | Key], table: ItemTable, snapshot: Snapshot,
              size: int) -> tuple[list[PageItem], Key | None, bool]:
        items: list[PageItem] = []
        localizers: dict[str, Localizer] = {}
        used, last = 0, None
        for entry in entries:
            cost = entry.size if isinstance(entry, Entry) else DELETION_BYTES
            if items and (len(items) >= size or used + cost > self.page_bytes):
                return items, last, True
            if isinstance(entry, Entry):
                kind, id, locale = entry.key
                data = item_data(snapshot, kind, id, locale, localizers)
                items.append(PageItem(kind, id, locale, entry.version, data))
                last = entry.key
            else:
                items.append(PageItem(entry[0], entry[1], entry[2], None, None))
                last = entry
            used += cost
        return items, last, False


def _valid_size(size: int | None) -> int:
    if size is None:
        return DEFAULT_PAGE_ITEMS
    if not 1 <= size <= MAX_PAGE_ITEMS:
        raise BadPageSize(f"`pageSize` must be between 1 and {MAX_PAGE_ITEMS} (items per page), got {size}.")
    return size


class BadPageSize(ValueError):
    pass


__all__ = ["BadPageSize", "BadToken", "NotReady", "Page", "PageItem", "SyncPager"]
