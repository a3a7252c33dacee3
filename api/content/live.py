"""The content a server process is serving right now, and how it is swapped.

``LiveContent.current`` is one immutable :class:`Snapshot`; a reload validates the new file
completely before replacing that one reference, so a request sees one version from start to end,
and a bad file changes nothing. Recent versions are remembered (bounded) so that ``sync`` can
send a phone only the documents that changed since the version it has, and the item tables of the
last :data:`TABLES` versions (see :mod:`api.content.items`) so that ``syncPage`` can send only
the items that changed.

An item table takes about 1.7 s per 1,000 documents to build (every item's data is made and
digested once), so it is built on a thread of its own after a load or a reload instead of
delaying them; until it is ready, ``syncPage`` answers "not ready, retry" (just after a start, a
few seconds at library scale), while everything else is served.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from api.content.history import SyncHistory
from api.content.items import ItemTable
from api.content.snapshot import ContentError, Snapshot, load_file

log = logging.getLogger("clara.content")

HISTORY = 64
TABLES = 16


class LiveContent:
    """The content one app serves. The app hands it to every part that reads content; it is made
    before the app starts (unloaded, when the file is read at start-up) and loaded by its start-up."""

    def __init__(self, path: Path, snapshot: Snapshot | None = None, history: SyncHistory | None = None) -> None:
        self.path = path
        self.history = history  # item tables of past versions, shared by workers and restarts
        self._current = snapshot
        self._history: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._tables: OrderedDict[str, ItemTable] = OrderedDict()
        self._tables_lock = threading.Lock()
        self._table_built = threading.Condition(self._tables_lock)
        self._lock = threading.Lock()
        # Work the layers above want done once per version before requests need it (the cost
        # model's list lengths, the filters' links): run on the version's own thread, first.
        self.prepare: list[Callable[[Snapshot], object]] = []
        if snapshot is not None:
            self._remember(snapshot)

    @classmethod
    def open(cls, path: str | Path) -> LiveContent:
        """Load the content file now; a bad file stops the start with every problem."""
        live = cls(Path(path))
        live.load()
        return live

    @property
    def current(self) -> Snapshot:
        """The version served now: read it once per request, so the request sees one version."""
        current = self._current
        if current is None:
            raise RuntimeError(f"the content from {self.path} is not loaded yet: the app loads it as it starts")
        return current

    @property
    def loaded(self) -> bool:
        return self._current is not None

    def load(self) -> None:
        """Read the file the first time (a :class:`ContentError` lists every problem)."""
        with self._lock:
            snapshot = load_file(self.path)
            self._remember(snapshot)
            self._current = snapshot

    def _remember(self, snapshot: Snapshot) -> None:
        self._history[snapshot.version] = snapshot.document_versions
        self._history.move_to_end(snapshot.version)
        while len(self._history) > HISTORY:
            self._history.popitem(last=False)
        threading.Thread(target=self._build_table, args=(snapshot,), name=f"item-table-{snapshot.version}",
                         daemon=True).start()

    def _build_table(self, snapshot: Snapshot) -> None:
        self.prepared(snapshot)
        started = time.perf_counter()
        try:
            table = ItemTable(snapshot)
        except Exception:  # a bug, not bad content (that was refused before): sync stays "not ready"
            log.exception("building the item table of %s failed", snapshot.version)
            return
        if self.history is not None:  # first, so that a table this process serves is one every worker can read
            self.history.save(table)
        self._keep_table(table)
        log.info("item table of %s ready in %.2f s", snapshot.version, time.perf_counter() - started)

    def _keep_table(self, table: ItemTable) -> None:
        with self._table_built:
            self._tables[table.version] = table
            self._tables.move_to_end(table.version)
            while len(self._tables) > TABLES:
                self._tables.popitem(last=False)
            self._table_built.notify_all()

    def prepared(self, snapshot: Snapshot) -> None:
        """Run the :attr:`prepare` hooks for ``snapshot`` (each also makes its work on first use,
        so a hook that fails only logs: requests still get their answer, a little later)."""
        for hook in list(self.prepare):
            started = time.perf_counter()
            try:
                hook(snapshot)
            except Exception:
                log.exception("preparing %s for requests failed", snapshot.version)
                continue
            log.info("%s of %s ready in %.2f s", getattr(hook, "__name__", "preparation"), snapshot.version,
                     time.perf_counter() - started)

    def table(self, version: str) -> ItemTable | None:
        """The item table of ``version``; None while it is being built, or when no worker has kept it.

        A version this process has not built (served by another worker, or before a restart) is
        read from the sync history, when there is one, and kept in memory from then on."""
        with self._tables_lock:
            found = self._tables.get(version)
        if found is None and self.history is not None:
            found = self.history.load(version)
            if found is not None:
                self._keep_table(found)
        return found

    def wait_for_table(self, version: str, timeout: float) -> ItemTable | None:
        """Block until the item table of ``version`` is ready (for tools and tests, never for requests)."""
        with self._table_built:
            self._table_built.wait_for(lambda: version in self._tables, timeout)
            return self._tables.get(version)

    def document_versions_at(self, version: str) -> dict[str, str] | None:
        """What each document's version was at ``version``; None when that version is unknown."""
        return self._history.get(version)

    def reload(self) -> bool:
        """Re-read the file. Returns True when a new good version is now served (before the first
        load, this is the first load)."""
        with self._lock:
            if self._current is None:
                snapshot = load_file(self.path)
                self._remember(snapshot)
                self._current = snapshot
                return True
            try:
                snapshot = load_file(self.path)
            except ContentError as exc:
                log.error("content reload refused, still serving %s: %s", self.current.version,
                          "; ".join(exc.problems))
                for line in exc.problems:
                    log.error("  %s", line)
                return False
            if snapshot.version == self.current.version:
                log.info("content reload: %s unchanged", snapshot.version)
                return False
            previous = self.current
            self._remember(snapshot)
            self._current = snapshot
            log.info("content reloaded: %s -> %s", previous.version, snapshot.version)
            return True
