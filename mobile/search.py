"""Offline search over the stored content, in one language, ignoring accents and case. No Kivy here.

SQLite FTS5 does the work (``unicode61 remove_diacritics 2``, every word a prefix, bm25 ranking
with titles weighted up). Should a phone's SQLite lack FTS5, a plain table of accent-folded text
answers the same questions more slowly, so search never disappears.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mobile.library import SCREEN_FIELD
from rules.blocks import texts_of
from rules.text import fold

FTS5_TABLE = """
CREATE VIRTUAL TABLE search USING fts5(
  locale UNINDEXED, kind UNINDEXED, slug UNINDEXED, target UNINDEXED, title, body,
  tokenize = "unicode61 remove_diacritics 2"
);
"""
PLAIN_TABLE = """
CREATE TABLE search (locale TEXT, kind TEXT, slug TEXT, target TEXT, title TEXT, body TEXT, folded TEXT);
"""
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class Hit:
    kind: str        # document, section, treatment or term
    slug: str
    target: str      # the section, treatment or term id (the slug for a document)
    title: str
    snippet: str     # plain text with the matches between \x02 and \x03


def create_table(db: sqlite3.Connection, engine: str | None = None) -> str:
    """Create the index table; returns the engine used: 'fts5', or 'plain' without FTS5 (or when asked)."""
    if engine != "plain":
        try:
            db.execute(FTS5_TABLE)
            return "fts5"
        except sqlite3.OperationalError as exc:
            if "fts5" not in str(exc):
                raise
    db.execute(PLAIN_TABLE)
    return "plain"


def index_rows(slug: str, doc: dict[str, Any]) -> Iterator[tuple[str, str, str, str, str]]:
    """(kind, slug, target, title, body) for everything a person can find in one document."""
    yield "document", slug, slug, doc["title"], f"{doc['summary']}\n{doc['audience']}"
    for section in doc["sections"]:
        parts = []
        for block in section["blocks"]:
            parts.extend(filter(None, texts_of(block)))
            for kind, field in SCREEN_FIELD.items():
                if kind != "treatment":  # treatments have rows of their own
                    for person in block.get(field, []):
                        parts.extend([person["name"], person["description"]])
        yield "section", slug, section["id"], section["heading"], "\n".join(parts)
    for t in doc["treatments"]:
        facts = [f["text"] for f in t["institutionFacts"]]
        yield "treatment", slug, t["id"], t["name"], "\n".join(
            [t["summary"], t["howItWorks"], t["category"]["name"], *facts])
    for term in doc["glossary"]:
        yield _term_row(slug, term)


def reindex(db: sqlite3.Connection, engine: str, documents: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Rebuild the index from ``(locale, screen-ready document)`` pairs (inside the caller's transaction)."""
    db.execute("DELETE FROM search")
    _insert(db, engine, documents, terms_seen=set())


def reindex_some(db: sqlite3.Connection, engine: str, documents: Iterable[tuple[str, dict[str, Any]]],
                 terms: Iterable[tuple[str, str, dict[str, Any] | None]]) -> None:
    """Replace the rows of some documents (all but their glossary words), and of some glossary words
    (``(locale, term id, term or None when removed)``), inside the caller's transaction.

    A word keeps the document it was first listed under; a new word is listed under the first
    re-indexed document that uses it.
    """
    documents = list(documents)
    for locale, doc in documents:
        db.execute("DELETE FROM search WHERE locale = ? AND slug = ? AND kind != 'term'", (locale, doc["slug"]))
    seen = {(loc, t) for loc, t in db.execute("SELECT locale, target FROM search WHERE kind = 'term'")}
    for locale, term_id, term in terms:
        old = db.execute("SELECT slug FROM search WHERE locale = ? AND kind = 'term' AND target = ?",
                         (locale, term_id)).fetchone()
        db.execute("DELETE FROM search WHERE locale = ? AND kind = 'term' AND target = ?", (locale, term_id))
        seen.discard((locale, term_id))
        if term is not None and old is not None:
            _insert_rows(db, engine, [(locale, *_term_row(old[0], term))])
            seen.add((locale, term_id))
    _insert(db, engine, documents, terms_seen=seen)


def _term_row(slug: str, term: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return "term", slug, term["id"], term["term"], "\n".join([term["definition"], *term["alsoMatches"]])


def _insert(db: sqlite3.Connection, engine: str, documents: Iterable[tuple[str, dict[str, Any]]],
            terms_seen: set[tuple[str, str]]) -> None:
    rows: list[tuple[str, ...]] = []
    for locale, doc in documents:
        for row in index_rows(doc["slug"], doc):
            if row[0] == "term":  # a word shared by several documents is listed once
                if (locale, row[2]) in terms_seen:
                    continue
                terms_seen.add((locale, row[2]))
            rows.append((locale, *row))
        if len(rows) >= 5_000:  # written as it goes: a whole library's rows never sit in memory
            _insert_rows(db, engine, rows)
            rows = []
    _insert_rows(db, engine, rows)


def _insert_rows(db: sqlite3.Connection, engine: str, rows: list[tuple[str, ...]]) -> None:
    if engine == "fts5":
        db.executemany("INSERT INTO search (locale, kind, slug, target, title, body) VALUES (?, ?, ?, ?, ?, ?)",
                       rows)
    else:
        db.executemany("INSERT INTO search VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(*row, fold(f"{row[4]}\n{row[5]}")) for row in rows])


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def fts_query(text: str) -> str | None:
    """Each word as a quoted prefix term: 'quimio' finds 'quimioterapia', 'metastasis' 'metástasis'."""
    found = words(text)
    return " ".join(f'"{w}"*' for w in found) if found else None


def query(db: sqlite3.Connection, engine: str, text: str, locale: str, limit: int = 30) -> list[Hit]:
    if engine == "fts5":
        match = fts_query(text)
        if match is None:
            return []
        rows = db.execute(
            "SELECT kind, slug, target, title, snippet(search, 5, char(2), char(3), '…', 14) FROM search "
            "WHERE search MATCH ? AND locale = ? ORDER BY bm25(search, 0, 0, 0, 0, 8.0, 1.0) LIMIT ?",
            (match, locale, limit),
        )
        return [Hit(*row) for row in rows]
    return _plain_query(db, text, locale, limit)


def _plain_query(db: sqlite3.Connection, text: str, locale: str, limit: int) -> list[Hit]:
    found = words(text)
    if not found:
        return []
    where = " AND ".join("folded LIKE ? ESCAPE '\\'" for _ in found)
    patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in found]
    rows = db.execute(f"SELECT kind, slug, target, title, body FROM search WHERE locale = ? AND {where}",  # noqa: S608
                      (locale, *patterns)).fetchall()
    in_title = [r for r in rows if all(w in fold(r[3]) for w in found)]
    ordered = in_title + [r for r in rows if r not in in_title]
    return [Hit(kind, slug, target, title, _snippet(body, found)) for kind, slug, target, title, body
            in ordered[:limit]]


def _snippet(body: str, found: list[str], width: int = 90) -> str:
    folded = fold(body)
    starts = [m.start() for w in found for m in re.finditer(rf"(?<!\w){re.escape(w)}", folded)]
    first = min(starts, default=0)
    begin = max(0, first - width // 3)
    end = min(len(body), begin + width)
    piece, folded_piece = body[begin:end], folded[begin:end]
    marks = sorted({(m.start(), m.end()) for w in found
                    for m in re.finditer(rf"(?<!\w){re.escape(w)}\w*", folded_piece)})
    out, cursor = [], 0
    for start, stop in marks:
        if start < cursor:
            continue
        out += [piece[cursor:start], MARK_START, piece[start:stop], MARK_END]
        cursor = stop
    out.append(piece[cursor:])
    return ("…" if begin else "") + "".join(out) + ("…" if end < len(body) else "")
