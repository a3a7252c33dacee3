"""The publishing record beside a live content file: the changelog, and the webhook outbox.

One SQLite file (``publications.sqlite`` in the live file's releases folder) is shared by the
``publish`` command, every server worker and every tool, so it is written in WAL mode with a
busy timeout: the command appends a publication and its event in one transaction; the one worker
that sends webhooks (see :mod:`api.publishing.sender`) records each try. Every table is bounded:
the last :data:`KEEP_PUBLICATIONS` publications (with their events, deliveries and tries), and at
most :data:`MAX_TRIES_KEPT` tries per delivery.

A delivery is one event to one receiver URL; it is made when the sender first sees the event
with that URL configured, so the command that publishes needs no webhook settings at all.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

KEEP_PUBLICATIONS = 1_000
MAX_TRIES_KEPT = 100
PUBLICATION_COLUMNS = "seq, event, version, previous, at, by, file, summary, webhook_id, body"  # as _publication reads
MAX_LISTED = 500  # documents and records named in one webhook body (about 40 KB at most)
PUBLISHED, ROLLED_BACK = "content.published", "content.rolled_back"

SCHEMA = """
CREATE TABLE IF NOT EXISTS publications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL, version TEXT NOT NULL, previous TEXT, at TEXT NOT NULL, by TEXT NOT NULL,
    file TEXT NOT NULL, summary BLOB NOT NULL, webhook_id TEXT NOT NULL UNIQUE, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    webhook_id TEXT NOT NULL, url TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
    tries INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL, last TEXT,
    PRIMARY KEY (webhook_id, url));
CREATE TABLE IF NOT EXISTS tries (
    webhook_id TEXT NOT NULL, url TEXT NOT NULL, at TEXT NOT NULL, status INTEGER, error TEXT,
    milliseconds REAL NOT NULL, replay INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tries_of ON tries (webhook_id, url);
CREATE INDEX IF NOT EXISTS due ON deliveries (state, next_at);
"""


@dataclass(frozen=True)
class Publication:
    """One version made live: by ``publish`` or by ``rollback``."""

    seq: int
    event: str
    version: str
    previous: str | None
    at: str
    by: str
    file: str
    summary: dict[str, Any]
    webhook_id: str
    body: bytes  # the webhook's JSON body, made once so that every try sends the same bytes

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "version": self.version, "previousVersion": self.previous,
                "at": self.at, "by": self.by, "webhookId": self.webhook_id, "changes": self.summary}


@dataclass(frozen=True)
class Delivery:
    webhook_id: str
    url: str
    state: str  # pending, delivered, failed (out of tries)
    tries: int
    next_at: float
    last: str | None


@dataclass(frozen=True)
class Try:
    webhook_id: str
    url: str
    at: str
    status: int | None
    error: str | None
    milliseconds: float
    replay: bool


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def webhook_body(event: str, version: str, previous: str | None, at: str, summary: dict[str, Any]) -> bytes:
    """The event as receivers get it (the Standard Webhooks shape: ``type``, ``timestamp``, ``data``).

    Bounded: at most :data:`MAX_LISTED` documents and records (and per language), with their
    full counts and ``truncated`` when more changed (a receiver then refetches everything)."""
    documents = summary.get("documents", [])
    records = summary.get("records", [])
    by_locale = summary.get("byLocale", {})
    counts = summary.get("counts", {})
    document_count, record_count = counts.get("documents", len(documents)), counts.get("records", len(records))
    truncated = document_count > MAX_LISTED or record_count > MAX_LISTED or \
        any(len(v) > MAX_LISTED for v in by_locale.values())
    return orjson.dumps({"type": event, "timestamp": at, "data": {
        "version": version, "previousVersion": previous,
        "documents": documents[:MAX_LISTED], "documentCount": document_count,
        "records": records[:MAX_LISTED], "recordCount": record_count,
        "byLocale": {k: v[:MAX_LISTED] for k, v in by_locale.items()}, "truncated": truncated}})


class PublicationLog:
    """The changelog and outbox of one live file (``path`` is the SQLite file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=10000")
            yield db
        finally:
            db.close()

    # the changelog

    def append(self, event: str, version: str, previous: str | None, by: str, file: str,
               summary: dict[str, Any]) -> Publication:
        at = now_iso()
        webhook_id = f"msg_{secrets.token_hex(12)}"
        body = webhook_body(event, version, previous, at, summary)
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            cursor = db.execute(
                "INSERT INTO publications (event, version, previous, at, by, file, summary, webhook_id, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event, version, previous, at, by, file, orjson.dumps(summary), webhook_id, body))
            seq = int(cursor.lastrowid or 0)
            self._prune(db, seq)
            db.execute("COMMIT")
        return Publication(seq, event, version, previous, at, by, file, summary, webhook_id, body)

    def _prune(self, db: sqlite3.Connection, seq: int) -> None:
        oldest = seq - KEEP_PUBLICATIONS
        if oldest <= 0:
            return
        db.execute("DELETE FROM tries WHERE webhook_id IN (SELECT webhook_id FROM publications WHERE seq <= ?)",
                   (oldest,))
        db.execute("DELETE FROM deliveries WHERE webhook_id IN (SELECT webhook_id FROM publications WHERE seq <= ?)",
                   (oldest,))
        db.execute("DELETE FROM publications WHERE seq <= ?", (oldest,))

    def _select(self, where: str, params: tuple[Any, ...]) -> list[Publication]:
        """Publications ``WHERE …`` (``where`` is always one of this class's own literal clauses)."""
        with self._db() as db:
            rows = db.execute(f"SELECT {PUBLICATION_COLUMNS} FROM publications WHERE {where}", params).fetchall()  # noqa: S608
        return [_publication(row) for row in rows]

    def publications(self, first: int = 20, before: int | None = None) -> list[Publication]:
        """The latest ``first`` publications, newest first (``before``: older than that seq)."""
        return self._select("seq < ? ORDER BY seq DESC LIMIT ?",
                            (before if before is not None else 2**62, _bounded(first)))

    def publication(self, key: str) -> Publication | None:
        """By webhook id or by seq."""
        found = self._select("webhook_id = ? OR CAST(seq AS TEXT) = ?", (key, key))
        return found[0] if found else None

    def latest(self) -> Publication | None:
        found = self.publications(1)
        return found[0] if found else None

    def last_published_as(self, version: str) -> Publication | None:
        """The latest ``publish`` (not rollback) that made ``version`` live: what a rollback undoes."""
        found = self._select("version = ? AND event = ? ORDER BY seq DESC LIMIT 1", (version, PUBLISHED))
        return found[0] if found else None

    def seq_of(self, version: str) -> int | None:
        """The latest publication that made ``version`` live, if any."""
        with self._db() as db:
            row = db.execute("SELECT MAX(seq) FROM publications WHERE version = ?", (version,)).fetchone()
        return row[0] if row and row[0] is not None else None

    # the outbox

    def open_deliveries(self, up_to_seq: int, urls: list[str], now: float) -> None:
        """Make a delivery, due now, to each URL for each event the sender has not fanned out yet,
        up to ``up_to_seq`` (the publication it serves: an event goes out only once served).

        The first time, only the served publication itself is fanned out (older ones were never
        served by a sender), and a URL added to ``WEBHOOK_URLS`` later gets the events from then on,
        not the whole history."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT value FROM state WHERE key = 'fanned_out'").fetchone()
            start = int(row[0]) if row else max(0, up_to_seq - 1)
            if up_to_seq > start:
                for url in urls:
                    db.execute("INSERT OR IGNORE INTO deliveries (webhook_id, url, next_at) "
                               "SELECT webhook_id, ?, ? FROM publications WHERE seq > ? AND seq <= ?",
                               (url, now, start, up_to_seq))
                db.execute("INSERT INTO state (key, value) VALUES ('fanned_out', ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(up_to_seq),))
            db.execute("COMMIT")

    def due(self, now: float, urls: list[str], limit: int = 16) -> list[tuple[Delivery, Publication]]:
        """Pending deliveries to ``urls`` whose next try is due, oldest event first. Deliveries to a
        URL no longer configured stay pending (and listed by ``deliveries``) without holding up these."""
        if not urls:
            return []
        marks = ",".join("?" * len(urls))  # placeholders only: the URLs are parameters
        sql = ("SELECT d.webhook_id, d.url, d.state, d.tries, d.next_at, d.last, "  # noqa: S608
               "p.seq, p.event, p.version, p.previous, p.at, p.by, p.file, p.summary, p.webhook_id, p.body "
               "FROM deliveries d JOIN publications p ON p.webhook_id = d.webhook_id "
               f"WHERE d.state = 'pending' AND d.next_at <= ? AND d.url IN ({marks}) ORDER BY p.seq, d.url LIMIT ?")
        with self._db() as db:
            rows = db.execute(sql, (now, *urls, limit)).fetchall()
        return [(Delivery(*row[:6]), _publication(row[6:])) for row in rows]

    def record_try(self, delivery: Delivery, status: int | None, error: str | None, milliseconds: float,
                   next_at: float | None, replay: bool = False) -> None:
        """One try and its answer; ``next_at`` None means no more tries (delivered or out of tries)."""
        ok = status is not None and 200 <= status < 300
        last = f"{status}" if status is not None else (error or "error")
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO tries (webhook_id, url, at, status, error, milliseconds, replay) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (delivery.webhook_id, delivery.url, now_iso(), status, error, round(milliseconds, 1), replay))
            if not replay:
                state = "delivered" if ok else ("pending" if next_at is not None else "failed")
                db.execute("UPDATE deliveries SET state = ?, tries = tries + 1, next_at = ?, last = ? "
                           "WHERE webhook_id = ? AND url = ?",
                           (state, next_at or 0, last, delivery.webhook_id, delivery.url))
            elif ok:  # a replay that got through: nothing is left to try
                db.execute("UPDATE deliveries SET state = 'delivered', last = ? WHERE webhook_id = ? AND url = ?",
                           (last, delivery.webhook_id, delivery.url))
            db.execute("DELETE FROM tries WHERE rowid IN (SELECT rowid FROM tries WHERE webhook_id = ? AND url = ? "
                       "ORDER BY rowid DESC LIMIT -1 OFFSET ?)", (delivery.webhook_id, delivery.url, MAX_TRIES_KEPT))
            db.execute("COMMIT")

    def deliveries(self, first: int = 50) -> list[tuple[Delivery, list[Try]]]:
        """The latest deliveries, each with its tries (oldest first)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT d.webhook_id, d.url, d.state, d.tries, d.next_at, d.last FROM deliveries d "
                "JOIN publications p ON p.webhook_id = d.webhook_id ORDER BY p.seq DESC, d.url LIMIT ?",
                (_bounded(first),)).fetchall()
            found = []
            for row in rows:
                tries = db.execute("SELECT webhook_id, url, at, status, error, milliseconds, replay FROM tries "
                                   "WHERE webhook_id = ? AND url = ? ORDER BY rowid", row[:2]).fetchall()
                found.append((Delivery(*row), [Try(*t[:6], bool(t[6])) for t in tries]))
        return found

    def delivery(self, webhook_id: str) -> list[Delivery]:
        with self._db() as db:
            rows = db.execute("SELECT webhook_id, url, state, tries, next_at, last FROM deliveries "
                              "WHERE webhook_id = ?", (webhook_id,)).fetchall()
        return [Delivery(*row) for row in rows]


def _bounded(first: int) -> int:
    """A list's length between 0 and what is kept (SQLite reads ``LIMIT -1`` as "no limit")."""
    return max(0, min(first, KEEP_PUBLICATIONS))


def _publication(row: Any) -> Publication:
    seq, event, version, previous, at, by, file, summary, webhook_id, body = row
    return Publication(seq, event, version, previous, at, by, file, orjson.loads(summary), webhook_id, bytes(body))
