"""Offline search over the stored content, in one language, with the server's rules. No Kivy here.

The rows (one per document, section, treatment and glossary word) are kept in SQLite, in an FTS5
table where the phone's SQLite has FTS5 (its integrity check guards them) and in a plain table
otherwise. A query is answered by :mod:`rules.search`, the server's own code: an index of the
locale's rows is built on the first search after a sync and kept until the next one, so word
forms, typos, lay words, did-you-mean and the order of the hits are the server's. FTS5's own
matching could do neither Spanish stems nor our corrections, and its bm25 ranks differently.

The rows hold what the server indexes, in the same order: a document's title and summary, a
section's heading and the texts of its blocks (not the care-team roles and decision factors it
shows, which the server does not index either), a treatment's name, summary, how it works and its
facts, a glossary word with its definition and other forms (tests/search/test_search_rules.py
checks that both sides index the same texts and give the same top three).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rules.blocks import texts_of
from rules.search import query as rules_query
from rules.search.index import LocaleIndex
from rules.search.words import words_of
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
FORMS = "\x1f"  # in a glossary word's row: definition, FORMS, its other forms, FORMS, its lay words
ROWS_VERSION = "2"  # what a row holds; a store whose rows are older is re-indexed (see Store)


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
    yield "document", slug, slug, doc["title"], doc["summary"]
    for section in doc["sections"]:
        parts = [text for block in section["blocks"] for text in texts_of(block)]
        yield "section", slug, section["id"], section["heading"], "\n".join(parts)
    for t in doc["treatments"]:
        facts = [f["text"] for f in t["institutionFacts"]]
        yield "treatment", slug, t["id"], t["name"], "\n".join([t["summary"], t["howItWorks"], *facts])
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
    return "term", slug, term["id"], term["term"], FORMS.join(
        [term["definition"], "\n".join(term["alsoMatches"]), "\n".join(term.get("searchAlso", []))])


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


class Indexes:
    """The index of each locale's rows, built on the first search after they change and kept until
    they change again (the store says when, with ``generation``)."""

    def __init__(self) -> None:
        self._built: dict[str, tuple[int, LocaleIndex]] = {}

    def get(self, db: sqlite3.Connection, locale: str, generation: int) -> LocaleIndex:
        built = self._built.get(locale)
        if built is None or built[0] != generation:
            built = self._built[locale] = (generation, build_index(db, locale))
        return built[1]


def build_index(db: sqlite3.Connection, locale: str) -> LocaleIndex:
    """The shared index of ``locale``'s rows (its ``entries`` are the rows), in the server's order:
    documents and their sections, then treatments, then glossary words (each once)."""
    rows = db.execute("SELECT kind, slug, target, title, body FROM search WHERE locale = ? ORDER BY rowid",
                      (locale,)).fetchall()
    order = {"document": 0, "section": 0, "treatment": 1, "term": 2}
    seen: set[tuple[str, str]] = set()
    entries = []
    for row in sorted(rows, key=lambda r: order.get(r[0], 3)):  # stable: each kind keeps its rows' order
        if row[0] in ("treatment", "term"):
            if (row[0], row[2]) in seen:
                continue
            seen.add((row[0], row[2]))
        entries.append(row)
    index = LocaleIndex(entries, locale)
    lay_words = []
    for number, (kind, _, _, title, body) in enumerate(entries):
        text, forms, lay = ([*body.split(FORMS), "", ""])[:3]
        index.add(number, title, text, forms.replace("\n", " "))
        if kind == "term":
            lay_words += [(form, title) for form in (*forms.split("\n"), *lay.split("\n")) if form]
    index.finish(lay_words, names=[title for kind in ("term", "treatment")
                                   for k, _, _, title, _ in entries if k == kind])
    return index


def fts_query(text: str) -> str | None:
    """Each word as a quoted prefix term, for FTS5's MATCH (kept for tools reading the table)."""
    found = words_of(text)
    return " ".join(f'"{w}"*' for w in found) if found else None


@dataclass(frozen=True)
class Answer:
    """The hits of a query, best first, and the names it may have meant when it found nothing."""

    hits: list[Hit]
    suggestions: list[str]


def query(db: sqlite3.Connection, indexes: Indexes, generation: int, text: str, locale: str,
          limit: int = 30) -> Answer:
    """The ``limit`` best hits for ``text`` in ``locale``, by the server's rules (:func:`rules.search.query.find`)."""
    index = indexes.get(db, locale, generation)
    found = rules_query.find(index, text, limit)
    hits = []
    for number, _ in found.ranked:
        kind, slug, target, title, body = index.entries[number]
        hits.append(Hit(kind, slug, target, title, _snippet(body.partition(FORMS)[0] or title, found.words)))
    return Answer(hits, found.suggestions)


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
