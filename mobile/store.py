"""The content on the phone: one SQLite file of sync items, changed only in whole transactions. No Kivy.

The reader reads ``items``: one row per record and language, each with its version (the digest of
the row, see :mod:`rules.items`). A sync gathers pages into ``staged`` (each page one transaction,
with the token of the next page, so an interrupted sync resumes where it stopped), and only when
the chain is complete does :meth:`Store.finish` switch: in ONE transaction it merges ``staged``
into ``items``, checks the result against the server's manifest (count and digest of every item)
and rebuilds the search index. A failed check changes nothing: the reader keeps the last complete
copy.

Nothing read back is trusted: every item is checked against its version the first time it is
read, and before each sync as many as fit in a second (going on from where the last check
stopped, and then the search index); a damaged item is dropped and the sync fetches a complete
copy again (the manifest no longer matches). A damaged search index is rebuilt from the items.
A file that is not a sound Clara database (empty, truncated, corrupt, another app's) is moved
aside and rebuilt from the bundled snapshot, and the reader is told (``Opened.recovered``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mobile import library
from mobile import search as index
from mobile.reply import Page
from mobile.search import Hit
from rules.items import NO_LOCALE, Key, item_version, manifest_digest
from rules.text import fold

log = logging.getLogger("clara.store")

SCHEMA_VERSION = 2  # 1: whole documents per language (before item sync)
APPLICATION_ID = 0x436C6172  # "Clar": tells our file from any other SQLite file
HEALTH_CHECK_SECONDS = 1.0  # of checking stored items before each sync
INDEXED_KINDS = frozenset({"document", "treatment", "term", "category", "fact", "role", "factor"})
REINDEX_ALL_ABOVE = 200  # documents to re-index one by one; more at once: rebuild the whole index

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
  kind TEXT NOT NULL, id TEXT NOT NULL, locale TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (kind, id, locale)
);
CREATE TABLE staged (
  kind TEXT NOT NULL, id TEXT NOT NULL, locale TEXT NOT NULL, version TEXT, data TEXT,
  PRIMARY KEY (kind, id, locale)
);
"""
TABLES = {"meta", "items", "staged", "search"}
FORGET_CHAIN = "DELETE FROM meta WHERE key IN ('chain_next', 'chain_full', 'chain_locales')"
# after it, the next sync asks for a complete copy
FORGET_SYNC_POSITION = "DELETE FROM meta WHERE key IN ('sync_token', 'etag', 'etag_url')"


class Damaged(Exception):
    """The database file cannot be trusted."""


class Mismatch(Exception):
    """A finished sync's copy does not match the server's manifest (nothing was switched)."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    # A damaged byte must not make a read raise: it becomes U+FFFD, and the item's check fails.
    conn.text_factory = _lenient_text
    conn.execute("PRAGMA journal_mode=WAL")  # the reader keeps reading while a sync writes
    return conn


@dataclass(frozen=True)
class Chain:
    """A sync under way: the pages gathered so far wait in ``staged``."""

    next_token: str
    full: bool
    locales: list[str]


class Store:
    """A connection to the content file. One per thread (the sync thread opens its own)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn = _connect(self.path)
        self._verified: dict[Key, str] = {}  # items checked against their version in this process
        self._received: dict[Key, str] = {}  # items this process received (and checked) in a sync
        self._search_broken = False
        self._indexes = index.Indexes()  # each locale's search index, made again when the rows change
        self._rows_changed = 0  # counts the re-indexings this process made (the indexes' generation)
        if self.meta("search_rows") != index.ROWS_VERSION and self.meta("content_version") is not None:
            self.rebuild_search()  # rows written by an older version hold other texts

    def close(self) -> None:
        self.conn.close()

    # --- reading ----------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _meta_json(self, key: str, default: Any) -> Any:
        value = self.meta(key)
        try:
            return json.loads(value) if value else default
        except ValueError:
            return default

    @property
    def version(self) -> str | None:
        return self.meta("content_version")

    @property
    def sync_token(self) -> str | None:
        return self.meta("sync_token") or None

    @property
    def sync_locales(self) -> list[str]:
        return self._meta_json("sync_locales", [])

    @property
    def synced_at(self) -> dt.datetime | None:
        """When the server last confirmed this content (None: still the copy built into the app)."""
        value = self.meta("synced_at")
        return dt.datetime.fromisoformat(value) if value else None

    @property
    def repairing(self) -> str:
        """Why some stored content was dropped as damaged, until a sync brings it back ('' if none)."""
        return self.meta("repair") or ""

    def etag_for(self, url: str) -> str | None:
        return self.meta("etag") if self.meta("etag_url") == url else None

    def item(self, kind: str, id: str, locale: str) -> dict[str, Any] | None:
        """One stored item's data, checked against its version; None when missing or damaged."""
        row = self.conn.execute("SELECT version, data FROM items WHERE kind = ? AND id = ? AND locale = ?",
                                (kind, id, locale)).fetchone()
        return self._checked((kind, id, locale), *row) if row else None

    def _checked(self, key: Key, version: str, data: str) -> dict[str, Any] | None:
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            value = None
        if self._verified.get(key) == version and value is not None:
            return value
        if value is None or item_version(*key, value) != version:
            self._drop_damaged(key)
            return None
        self._verified[key] = version
        return value

    def _drop_damaged(self, key: Key) -> None:
        """A stored item no longer matches its version: drop it, and fetch a complete copy next time."""
        log.warning("stored item %s is damaged; it will be downloaded again", key)
        with suppress(sqlite3.Error), self.transaction() as db:
            db.execute("DELETE FROM items WHERE kind = ? AND id = ? AND locale = ?", key)
            db.execute(FORGET_SYNC_POSITION)
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('repair', ?)",
                       (f"{key[0]} {key[1]} ({key[2] or 'no language'}) was damaged",))

    def all_of(self, kind: str, locale: str) -> list[dict[str, Any]]:
        """Every stored item of one kind in one language (damaged ones left out), in id order."""
        rows = self.conn.execute("SELECT id, version, data FROM items WHERE kind = ? AND locale = ? ORDER BY id",
                                 (kind, locale)).fetchall()
        return [d for d in (self._checked((kind, i, locale), v, data) for i, v, data in rows) if d is not None]

    def languages(self) -> list[dict[str, Any]]:
        """The languages this copy holds, in the content's order."""
        kept = set(self.sync_locales)
        found = [d for d in self.all_of("locale", NO_LOCALE) if d["code"] in kept]
        return sorted(found, key=lambda d: d["position"])

    def locale_codes(self) -> list[str]:
        return [lang["code"] for lang in self.languages()]

    def offered_codes(self) -> list[str]:
        """Every language the server offers (a new one is fetched on the next sync)."""
        return [d["code"] for d in sorted(self.all_of("locale", NO_LOCALE), key=lambda d: d["position"])]

    def default_locale(self) -> str:
        langs = self.languages()
        return next((lang["code"] for lang in langs if lang.get("isDefault")), langs[0]["code"])

    def strings(self, locale: str) -> dict[str, str]:
        return {d["key"]: d["text"] for d in self.all_of("string", locale)}

    def _assemble(self, doc: dict[str, Any], locale: str, records: library.Get | None = None) -> dict[str, Any]:
        institution = next(iter(self.all_of("institution", locale)), None)
        version = self._verified.get(("document", doc["slug"], locale), "")
        get = records or (lambda kind, id: self.item(kind, id, locale))
        return library.assemble(doc, locale, version, get, institution)

    def _records(self, locale: str) -> library.Get:
        """Every record but the documents in ``locale``, read (and checked) at once, to look up by id."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        rows = self.conn.execute("SELECT kind, id, version, data FROM items WHERE locale = ? AND kind != 'document'",
                                 (locale,)).fetchall()
        for kind, id, version, data in rows:
            value = self._checked((kind, id, locale), version, data)
            if value is not None:
                found[kind, id] = value
        return lambda kind, id: found.get((kind, id))

    def documents(self, locale: str) -> list[dict[str, Any]]:
        """Every document in ``locale``, ready for the screens, in title order."""
        records = self._records(locale)
        docs = [self._assemble(d, locale, records) for d in self.all_of("document", locale)]
        return sorted(docs, key=lambda d: fold(d["title"]))

    def document(self, slug: str, locale: str) -> dict[str, Any] | None:
        found = self.item("document", slug, locale)
        return self._assemble(found, locale) if found is not None else None

    @property
    def search_engine(self) -> str:
        return self.meta("search_engine") or "fts5"

    def search(self, text: str, locale: str, limit: int = 30) -> list[Hit]:
        """The best matches for ``text`` in ``locale``, best first (see :meth:`find`)."""
        return self.find(text, locale, limit).hits

    def find(self, text: str, locale: str, limit: int = 30) -> index.Answer:
        """The best matches, by the server's rules (word forms, prefixes, typos, lay words), and the
        names the query may have meant when it finds nothing.

        A damaged index is rebuilt from the items once; should that fail too, search finds nothing
        rather than failing the screen.
        """
        try:
            return index.query(self.conn, self._indexes, self._rows_changed, text, locale, limit)
        except sqlite3.DatabaseError as exc:
            if self._search_broken:
                return index.Answer([], [])
            self._search_broken = True
            log.warning("the search index is damaged (%s); rebuilding it", exc)
            try:
                self.rebuild_search()
                return index.query(self.conn, self._indexes, self._rows_changed, text, locale, limit)
            except sqlite3.DatabaseError:
                log.exception("the search index could not be rebuilt")
                return index.Answer([], [])

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

    def _set_meta(self, db: sqlite3.Connection, values: dict[str, str]) -> None:
        db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    @property
    def chain(self) -> Chain | None:
        """The sync under way, if a chain was started and not finished."""
        token = self.meta("chain_next")
        if not token:
            return None
        return Chain(token, self.meta("chain_full") == "1", self._meta_json("chain_locales", []))

    def drop_chain(self) -> None:
        """Forget a sync under way (its pages, and its token)."""
        with self.transaction() as db:
            db.execute("DELETE FROM staged")
            db.execute(FORGET_CHAIN)

    def forget_sync_token(self) -> None:
        """The next sync asks for a complete copy (the token was refused, or the copy is in doubt)."""
        with self.transaction() as db:
            db.execute(FORGET_SYNC_POSITION)

    def add_page(self, page: Page, *, starting: bool, before_commit: Callable[[], None] | None = None) -> None:
        """Gather one checked page of a chain in ONE transaction, with the token of the next page.

        The last page is not gathered alone: :meth:`finish` gathers it and switches in one step, so
        no moment exists when a chain is complete but not yet switched to.
        """
        assert page.next_page_token is not None, "the last page goes to finish()"
        with self.transaction() as db:
            self._stage(db, page, starting)
            if before_commit:
                before_commit()

    def _stage(self, db: sqlite3.Connection, page: Page, starting: bool) -> None:
        chain = self.chain
        if starting or page.reset or chain is None:
            db.execute("DELETE FROM staged")
            full = page.full_sync
        else:
            full = chain.full
        self._received.update((item.key, item.version) for item in page.items if item.version is not None)
        db.executemany(
            "INSERT OR REPLACE INTO staged (kind, id, locale, version, data) VALUES (?, ?, ?, ?, ?)",
            [(*item.key, item.version, None if item.data is None else json.dumps(item.data, ensure_ascii=False))
             for item in page.items])
        self._set_meta(db, {"chain_next": page.next_page_token or "", "chain_full": "1" if full else "0",
                            "chain_locales": json.dumps(page.locales)})

    def finish(self, page: Page, *, starting: bool, synced_at: str | None, etag: str | None = None,
               url: str | None = None, before_commit: Callable[[], None] | None = None) -> bool:
        """Gather the chain's last page and switch to the copy in ONE transaction, if it matches
        ``page.manifest``.

        Raises :class:`Mismatch` (nothing changes, the gathered pages are dropped) when the copy
        is not what the server says the version holds. True when anything the reader sees
        changed. ``synced_at`` None means the copy is the built-in snapshot, not news from the server.
        """
        assert page.manifest is not None and page.next_sync_token is not None
        try:
            with self.transaction() as db:
                self._stage(db, page, starting)
                chain_full = self.meta("chain_full") == "1"
                changed: list[tuple[str, str, str, str | None]] = db.execute(
                    "SELECT s.kind, s.id, s.locale, s.version FROM staged s LEFT JOIN items i USING (kind, id, locale) "
                    "WHERE s.version IS NOT i.version").fetchall()
                if chain_full:
                    changed += db.execute(
                        "SELECT kind, id, locale, NULL FROM items i WHERE NOT EXISTS (SELECT 1 FROM staged s WHERE "
                        "s.kind = i.kind AND s.id = i.id AND s.locale = i.locale)").fetchall()
                    db.execute("DELETE FROM items")
                else:
                    db.execute("DELETE FROM items WHERE EXISTS (SELECT 1 FROM staged s WHERE s.kind = items.kind "
                               "AND s.id = items.id AND s.locale = items.locale)")
                db.execute("INSERT INTO items (kind, id, locale, version, data) "
                           "SELECT kind, id, locale, version, data FROM staged WHERE version IS NOT NULL")
                self._verified.update(self._received)  # just checked on receipt; not again for the index
                kept = json.dumps([NO_LOCALE, *page.locales])
                changed += db.execute("SELECT kind, id, locale, NULL FROM items WHERE locale NOT IN "
                                      "(SELECT value FROM json_each(?))", (kept,)).fetchall()
                db.execute("DELETE FROM items WHERE locale NOT IN (SELECT value FROM json_each(?))", (kept,))
                count, digest = _manifest(db)
                if (count, digest) != page.manifest:
                    raise Mismatch(f"the copy has {count} items (digest {digest[:8]}…); the server's version "
                                   f"{page.version} has {page.manifest[0]} ({page.manifest[1][:8]}…)")
                self._reindex(db, changed, everything=self.version is None)
                db.execute("DELETE FROM staged")
                db.execute(FORGET_CHAIN)
                db.execute("DELETE FROM meta WHERE key = 'repair'")
                previous = self.version
                self._set_meta(db, {
                    "content_version": page.version, "sync_token": page.next_sync_token,
                    "sync_locales": json.dumps(sorted(page.locales)), "manifest": json.dumps(list(page.manifest)),
                    "etag": etag or "", "etag_url": url or "",
                    "synced_at": synced_at or (self.meta("synced_at") or ""),
                })
                if before_commit:
                    before_commit()
            self.conn.executescript("PRAGMA incremental_vacuum;")  # to the end (execute() frees one page)
        except Mismatch:
            self._verified = {k: v for k, v in self._verified.items() if self._received.get(k) != v}
            self.drop_chain()
            raise
        finally:
            self._received.clear()
        return bool(changed) or previous != page.version

    def _reindex(self, db: sqlite3.Connection, changed: list[tuple[str, str, str, str | None]],
                 everything: bool) -> None:
        """Bring the search index in step with the changed items (inside the finishing transaction).

        Only what changed is re-indexed: a document's own rows, the documents showing a changed
        treatment, a changed glossary word. A change to what many documents share (a category, a
        fact, a care-team role, a decision factor), a removed document, or many documents at once
        rebuilds the whole index.
        """
        indexed = [c for c in changed if c[0] in INDEXED_KINDS]
        if not indexed and not everything:
            return
        self._rows_changed += 1
        shared = {"category", "fact", "role", "factor"}
        if everything or len(indexed) > REINDEX_ALL_ABOVE or \
                any(k in shared or (k == "document" and v is None) for k, _, _, v in indexed):
            index.reindex(db, self.search_engine, self._indexable(db))
            return
        slugs = {(loc, id) for k, id, loc, _ in indexed if k == "document"}
        for _, id, loc, _ in (c for c in indexed if c[0] == "treatment"):
            pattern = f'%"{id}"%'
            slugs |= {(loc, slug) for (slug,) in db.execute(
                "SELECT id FROM items WHERE kind = 'document' AND locale = ? AND data LIKE ?", (loc, pattern))}
        if len(slugs) > REINDEX_ALL_ABOVE:
            index.reindex(db, self.search_engine, self._indexable(db))
            return
        documents = [(loc, doc) for loc, slug in sorted(slugs) if (doc := self.document(slug, loc)) is not None]
        terms = [(loc, id, self.item("term", id, loc) if v is not None else None)
                 for k, id, loc, v in indexed if k == "term"]
        index.reindex_some(db, self.search_engine, documents, terms)

    def _indexable(self, db: sqlite3.Connection) -> Iterator[tuple[str, dict[str, Any]]]:
        """(locale, screen-ready document) for every stored document, read inside the transaction,
        one at a time (a library of thousands never sits in memory whole)."""
        locales = [c for (c,) in db.execute("SELECT DISTINCT locale FROM items WHERE kind = 'document'")]
        for locale in sorted(locales):
            records = self._records(locale)
            rows = db.execute("SELECT id, version, data FROM items WHERE kind = 'document' AND locale = ? "
                              "ORDER BY id", (locale,)).fetchall()
            for id, version, data in rows:
                doc = self._checked(("document", id, locale), version, data)
                if doc is not None:
                    yield locale, self._assemble(doc, locale, records)
            del records

    def check_search(self) -> bool:
        """Check the search index (FTS5's own integrity check); rebuild it when damaged. True if it was sound."""
        try:
            if self.search_engine == "fts5":
                self.conn.execute("INSERT INTO search(search) VALUES ('integrity-check')")
            else:
                self.conn.execute("SELECT COUNT(*) FROM search").fetchone()
            return True
        except sqlite3.DatabaseError as exc:
            log.warning("the search index is damaged (%s); rebuilding it", exc)
        try:
            self.rebuild_search()
        except sqlite3.DatabaseError:
            log.exception("the search index could not be rebuilt")
        return False

    def rebuild_search(self) -> None:
        """Make the search index again from the items (it is only ever derived from them)."""
        with self.transaction() as db:
            with suppress(sqlite3.DatabaseError):
                db.execute("DROP TABLE IF EXISTS search")
            index.create_table(db, self.search_engine)
            index.reindex(db, self.search_engine, self._indexable(db))
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('search_rows', ?)", (index.ROWS_VERSION,))
        self._rows_changed += 1

    def mark_checked(self, when: str | None = None) -> None:
        """The server said nothing changed: the content is as fresh as now."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('synced_at', ?)", (when or _now(),))

    def health_check(self, budget_seconds: float = HEALTH_CHECK_SECONDS) -> int:
        """Check stored items against their versions for up to ``budget_seconds``, going on from where
        the last check stopped; each time a round of every item ends, check the search index too.

        Returns how many items failed (each is dropped, and the next sync fetches a complete copy).
        A sync runs this first, off the reader's thread, so what it finds is healed by that sync.
        """
        deadline, failed = time.monotonic() + budget_seconds, 0
        after = int(self.meta("checked_up_to") or 0)
        while time.monotonic() < deadline:
            rows = self.conn.execute("SELECT rowid, kind, id, locale, version, data FROM items WHERE rowid > ? "
                                     "ORDER BY rowid LIMIT 200", (after,)).fetchall()
            if not rows:
                after = 0
                self.check_search()
                break
            for rowid, kind, id, locale, version, data in rows:
                if self._checked((kind, id, locale), version, data) is None:
                    failed += 1
                after = rowid
        with self.transaction() as db:
            self._set_meta(db, {"checked_up_to": str(after)})
        return failed


def _manifest(db: sqlite3.Connection) -> tuple[int, str]:
    rows = db.execute("SELECT kind, id, locale, version FROM items ORDER BY kind, id, locale").fetchall()
    return len(rows), manifest_digest(rows)


# --- opening, checking and rebuilding -----------------------------------------------------------

@dataclass
class Opened:
    store: Store
    recovered: bool  # the file was damaged and has been rebuilt from the snapshot
    problem: str = ""


class Outdated(Damaged):
    """A database of an older version of the app: replaced by the snapshot without alarming anyone."""


def check_file(path: Path) -> None:
    """Raise Damaged unless ``path`` is a sound Clara database holding a complete copy."""
    if path.stat().st_size == 0:
        raise Damaged("the file is empty")
    try:
        conn = sqlite3.connect(path, isolation_level=None)  # read-write: a crashed run's WAL is replayed
    except sqlite3.Error as exc:
        raise Damaged(str(exc)) from None
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise Damaged("not a Clara database")
        schema_version = conn.execute("PRAGMA user_version").fetchone()[0]
        if schema_version < SCHEMA_VERSION:
            raise Outdated(f"schema version {schema_version}")
        if schema_version != SCHEMA_VERSION:
            raise Damaged("unknown schema version")
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise Damaged("integrity check: " + "; ".join(result[:3]))
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
        if not tables >= TABLES:
            raise Damaged(f"missing tables {sorted(TABLES - tables)}")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if not meta.get("content_version") or not meta.get("manifest"):
            raise Damaged("no content version")
        if not conn.execute("SELECT 1 FROM items WHERE kind = 'document' LIMIT 1").fetchone():
            raise Damaged("no documents")
    except sqlite3.Error as exc:
        raise Damaged(str(exc)) from None
    finally:
        conn.close()


def _remove(path: Path, *, keep_main: bool = False) -> None:
    """Delete a database file and its journals (a stale WAL must never meet a new file)."""
    names = ([] if keep_main else [path]) + [Path(f"{path}{x}") for x in ("-wal", "-shm", "-journal")]
    for name in names:
        with suppress(FileNotFoundError):
            name.unlink()


def create(path: Path, snapshot: Page) -> None:
    """Build a new database from the snapshot next to ``path``, then move it into place."""
    fresh = path.with_name(path.name + ".new")
    _remove(fresh)
    conn = sqlite3.connect(fresh, isolation_level=None)
    try:
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # first: a finished sync gives the staged pages' space back
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.executescript(SCHEMA)
        engine = index.create_table(conn)
        conn.execute("INSERT INTO meta (key, value) VALUES ('search_engine', ?)", (engine,))
        conn.execute("INSERT INTO meta (key, value) VALUES ('search_rows', ?)", (index.ROWS_VERSION,))
    finally:
        conn.close()
    store = Store(fresh)
    try:
        store.finish(snapshot, starting=True, synced_at=None)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()  # the last connection to close folds the WAL into the file
    _remove(fresh, keep_main=True)
    _remove(path)
    os.replace(fresh, path)


def open_store(path: Path, snapshot: Callable[[], Page]) -> Opened:
    """Open the content file, creating it from the snapshot, or rebuilding it when it is damaged."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        create(path, snapshot())
        return Opened(Store(path), recovered=False)
    try:
        check_file(path)
    except Outdated:
        _remove(path)
        create(path, snapshot())
        return Opened(Store(path), recovered=False)
    except Damaged as exc:
        damaged = path.with_name(path.name + ".damaged")
        _remove(damaged)
        os.replace(path, damaged)  # kept for a support person to look at; replaced next time
        _remove(path)
        create(path, snapshot())
        return Opened(Store(path), recovered=True, problem=str(exc))
    return Opened(Store(path), recovered=False)
