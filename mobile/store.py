"""The content on the phone: one SQLite file, changed only in whole transactions. No Kivy here.

``open_store`` checks the file before the app uses it (is it SQLite, is it ours, does
``PRAGMA integrity_check`` pass, does every document parse) and, when anything is wrong, moves it
aside and rebuilds it from the snapshot shipped with the app, saying so (``Opened.recovered``).
``Store.apply`` writes a checked sync reply in ONE transaction: documents, languages, strings and
the search index change together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mobile import search as index
from mobile.reply import Reply
from mobile.search import Hit

SCHEMA_VERSION = 1
APPLICATION_ID = 0x436C6172  # "Clar": tells our file from any other SQLite file

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE languages (code TEXT PRIMARY KEY, position INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE strings (locale TEXT NOT NULL, key TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (locale, key));
CREATE TABLE documents (
  slug TEXT NOT NULL, locale TEXT NOT NULL, version TEXT NOT NULL, position INTEGER NOT NULL,
  data TEXT NOT NULL, PRIMARY KEY (slug, locale)
);
"""
TABLES = {"meta", "languages", "strings", "documents", "search"}


class Damaged(Exception):
    """The database file cannot be trusted."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")  # the reader keeps reading while a sync writes
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Store:
    """A connection to the content file. One per thread (the sync thread opens its own)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn = _connect(self.path)

    def close(self) -> None:
        self.conn.close()

    # --- reading ----------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def version(self) -> str | None:
        return self.meta("content_version")

    @property
    def synced_at(self) -> dt.datetime | None:
        """When the server last confirmed this content (None: still the copy built into the app)."""
        value = self.meta("synced_at")
        return dt.datetime.fromisoformat(value) if value else None

    def etag_for(self, url: str) -> str | None:
        return self.meta("etag") if self.meta("etag_url") == url else None

    def languages(self) -> list[dict[str, Any]]:
        return [json.loads(d) for (d,) in self.conn.execute("SELECT data FROM languages ORDER BY position")]

    def locale_codes(self) -> list[str]:
        return [c for (c,) in self.conn.execute("SELECT code FROM languages ORDER BY position")]

    def offered_codes(self) -> list[str]:
        """Every language the server offered last time (a new one is fetched on the next sync)."""
        value = self.meta("offered_locales")
        return json.loads(value) if value else self.locale_codes()

    def default_locale(self) -> str:
        langs = self.languages()
        return next((lang["code"] for lang in langs if lang.get("isDefault")), langs[0]["code"])

    def strings(self, locale: str) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, text FROM strings WHERE locale = ?", (locale,)))

    def documents(self, locale: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT data FROM documents WHERE locale = ? ORDER BY position, slug", (locale,))
        return [json.loads(d) for (d,) in rows]

    def document(self, slug: str, locale: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM documents WHERE slug = ? AND locale = ?", (slug, locale)).fetchone()
        return json.loads(row[0]) if row else None

    @property
    def search_engine(self) -> str:
        return self.meta("search_engine") or "fts5"

    def search(self, text: str, locale: str, limit: int = 30) -> list[Hit]:
        """Matches for every word (each as a prefix), accents and case ignored, best first."""
        return index.query(self.conn, self.search_engine, text, locale, limit)

    # --- writing ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def apply(self, reply: Reply, *, etag: str | None = None, url: str | None = None,
              synced_at: str | None = None, before_commit: Callable[[], None] | None = None) -> bool:
        """Store a checked reply in one transaction. True when the content version changed.

        ``synced_at`` None means the reply is the built-in snapshot, not news from the server.
        ``before_commit`` lets a test fail the write at its very end.
        """
        with self.transaction() as db:
            previous = self.version
            codes = reply.locales
            if reply.full_sync:
                db.execute("DELETE FROM documents")
            db.executemany("DELETE FROM documents WHERE slug = ?", [(s,) for s in reply.removed_slugs])
            next_position = db.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM documents").fetchone()[0]
            positions: dict[str, int] = dict(db.execute("SELECT slug, position FROM documents"))
            for doc in reply.documents:
                if doc.slug not in positions:
                    positions[doc.slug] = next_position
                    next_position += 1
                db.execute(
                    "INSERT OR REPLACE INTO documents (slug, locale, version, position, data) VALUES (?, ?, ?, ?, ?)",
                    (doc.slug, doc.locale, doc.version, positions[doc.slug], json.dumps(doc.document)),
                )
            db.execute("DELETE FROM languages")
            db.executemany("INSERT INTO languages (code, position, data) VALUES (?, ?, ?)",
                           [(lang["code"], i, json.dumps(lang)) for i, lang in enumerate(reply.languages)
                            if lang["code"] in codes])
            db.execute("DELETE FROM documents WHERE locale NOT IN (SELECT code FROM languages)")
            db.execute("DELETE FROM strings")
            db.executemany("INSERT INTO strings (locale, key, text) VALUES (?, ?, ?)",
                           [(code, k, v) for code, texts in reply.strings.items() for k, v in texts.items()])
            _require_complete(db)
            index.reindex(db, self.search_engine)
            meta = {"content_version": reply.version, "etag": etag or "", "etag_url": url or "",
                    "offered_locales": json.dumps([lang["code"] for lang in reply.languages])}
            meta["synced_at"] = synced_at or (self.meta("synced_at") or "")
            db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())
            if before_commit:
                before_commit()
        return previous != reply.version

    def mark_checked(self, when: str | None = None) -> None:
        """The server said nothing changed: the content is as fresh as now."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('synced_at', ?)", (when or _now(),))


def _require_complete(db: sqlite3.Connection) -> None:
    """After a write: languages exist, each has strings, and every document exists in every language."""
    languages = db.execute("SELECT COUNT(*) FROM languages").fetchone()[0]
    if not languages:
        raise Damaged("no languages")
    short = db.execute(
        "SELECT slug FROM documents GROUP BY slug HAVING COUNT(DISTINCT locale) != ?", (languages,)
    ).fetchall()
    if short:
        raise Damaged(f"documents missing in some languages: {[s for (s,) in short]}")
    if not db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]:
        raise Damaged("no documents")
    without = db.execute(
        "SELECT code FROM languages WHERE code NOT IN (SELECT DISTINCT locale FROM strings)").fetchall()
    if without:
        raise Damaged(f"no strings for {[c for (c,) in without]}")


# --- opening, checking and rebuilding -----------------------------------------------------------

@dataclass
class Opened:
    store: Store
    recovered: bool  # the file was damaged and has been rebuilt from the snapshot
    problem: str = ""


def check_file(path: Path) -> None:
    """Raise Damaged unless ``path`` is a sound Clara database with complete content."""
    try:
        conn = sqlite3.connect(path, isolation_level=None)  # read-write: a crashed run's WAL is replayed
    except sqlite3.Error as exc:
        raise Damaged(str(exc)) from None
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise Damaged("not a Clara database")
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            raise Damaged("unknown schema version")
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise Damaged("integrity check: " + "; ".join(result[:3]))
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
        if not tables >= TABLES:
            raise Damaged(f"missing tables {sorted(TABLES - tables)}")
        if not conn.execute("SELECT value FROM meta WHERE key = 'content_version'").fetchone():
            raise Damaged("no content version")
        for (data,) in conn.execute("SELECT data FROM documents"):
            doc = json.loads(data)
            if not isinstance(doc, dict) or not doc.get("sections"):
                raise Damaged("a document is incomplete")
        _require_complete(conn)
        index.query(conn, (conn.execute("SELECT value FROM meta WHERE key = 'search_engine'").fetchone()
                            or ["fts5"])[0], "a", "en")
    except sqlite3.Error as exc:
        raise Damaged(str(exc)) from None
    except ValueError as exc:
        raise Damaged(f"a document does not parse: {exc}") from None
    finally:
        conn.close()


def _remove(path: Path, *, keep_main: bool = False) -> None:
    """Delete a database file and its journals (a stale WAL must never meet a new file)."""
    names = ([] if keep_main else [path]) + [Path(f"{path}{x}") for x in ("-wal", "-shm", "-journal")]
    for name in names:
        with suppress(FileNotFoundError):
            name.unlink()


def create(path: Path, snapshot: Reply) -> None:
    """Build a new database from the snapshot next to ``path``, then move it into place."""
    fresh = path.with_name(path.name + ".new")
    _remove(fresh)
    conn = sqlite3.connect(fresh, isolation_level=None)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.executescript(SCHEMA)
        engine = index.create_table(conn)
        conn.execute("INSERT INTO meta (key, value) VALUES ('search_engine', ?)", (engine,))
    finally:
        conn.close()
    store = Store(fresh)
    try:
        store.apply(snapshot)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()  # the last connection to close folds the WAL into the file
    _remove(fresh, keep_main=True)
    _remove(path)
    os.replace(fresh, path)


def open_store(path: Path, snapshot: Callable[[], Reply]) -> Opened:
    """Open the content file, creating it from the snapshot, or rebuilding it when it is damaged."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.stat().st_size == 0:
        create(path, snapshot())
        return Opened(Store(path), recovered=False)
    try:
        check_file(path)
    except Damaged as exc:
        damaged = path.with_name(path.name + ".damaged")
        _remove(damaged)
        os.replace(path, damaged)  # kept for a support person to look at; replaced next time
        create(path, snapshot())
        return Opened(Store(path), recovered=True, problem=str(exc))
    return Opened(Store(path), recovered=False)
