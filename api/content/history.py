"""The sync history in a SQLite file: item tables of past versions, for every worker and every start.

A phone syncs from the version it has: the server compares that version's item table with the
current one and sends what changed. Tables were kept in each process's memory only, so a worker
that had not served the phone's version, or a server just restarted, sent a complete copy
instead (2.9 s instead of 0.24 s). Now every table a worker builds is written here too (keys,
digests and sizes: no item data, about 12 bytes an item), and a table not in memory is read from
here. The file keeps the last :data:`KEEP` versions; a damaged file or row is logged and treated
as a version the server does not know (the phone gets a complete copy: correct, only larger).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import zlib
from pathlib import Path

from api.content.items import ItemTable

log = logging.getLogger("clara.content")

KEEP = 16


class SyncHistory:
    def __init__(self, path: Path, keep: int = KEEP) -> None:
        self.path = path
        self.keep = keep
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS tables (saved INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT UNIQUE, "
                   "data BLOB NOT NULL)")
        return db

    def save(self, table: ItemTable) -> None:
        """Keep ``table`` (once per version, whichever worker writes it first), and drop the oldest."""
        data = zlib.compress(table.dump(), 1)
        try:
            with self._lock, self._connect() as db:
                db.execute("INSERT OR IGNORE INTO tables (version, data) VALUES (?, ?)", (table.version, data))
                db.execute("DELETE FROM tables WHERE version NOT IN "
                           "(SELECT version FROM tables ORDER BY saved DESC LIMIT ?)", (self.keep,))
        except sqlite3.Error as exc:
            log.warning("the sync history at %s could not be written (%s): deltas from %s need this process",
                        self.path, exc, table.version)

    def load(self, version: str) -> ItemTable | None:
        """The table of ``version``, or None when the file has none (or a damaged one)."""
        try:
            with self._lock, self._connect() as db:
                row = db.execute("SELECT data FROM tables WHERE version = ?", (version,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("the sync history at %s could not be read (%s)", self.path, exc)
            return None
        if row is None:
            return None
        try:
            table = ItemTable.restore(zlib.decompress(row[0]))
        except (ValueError, zlib.error) as exc:
            log.warning("the sync history's table of %s is damaged (%s): phones on it get a complete copy",
                        version, exc)
            return None
        return table if table.version == version else None
