"""Full-text search over one content snapshot, per language, accent- and case-insensitive.

*metastasis* finds *metástasis*; *quimio* finds *quimioterapia*; *surgeries* finds *surgery*;
*chemoterapy* finds *chemotherapy*; *radiotherapy* finds *radiation therapy* (exact words rank
first, then other forms, prefixes, and corrections last). Hits are documents, sections,
treatments and glossary terms, ranked by a BM25-style score with titles weighted above body
text, each with a snippet and the ranges to highlight. The index is built once per content
version. A query that finds nothing gets the names it may have meant (:func:`suggestions`).

The rules are :mod:`rules.search`'s, shared with the phone. Here, ``text`` cuts snippets and
``index`` says which content records are entries.
"""

from __future__ import annotations

from api.content.snapshot import Snapshot
from api.search.index import Entry, index_for
from api.search.text import Hit, fold, make_snippet, query_words
from rules.search import query as rules_query

__all__ = ["Hit", "Ranked", "count", "fold", "index_for", "make_snippet", "query_words", "ranked", "search",
           "suggestions"]


def search(snapshot: Snapshot, query: str, locale: str, first: int = 10) -> list[Hit]:
    """Ranked hits for ``query`` in ``locale``: every query word must match (see :func:`ranked`).

    An entry's score for a word is the best, over the vocabulary words it matches, of
    ``weight * idf * norm``; its score for the query is the sum over the words, in order. Hits
    are the ``first`` best entries (equal scores: the earlier entry first). They are found
    without scoring every entry a common word occurs in (see :mod:`rules.search.ranking`).
    """
    found = ranked(snapshot, query, locale, first)
    return [found.hit(n) for n in range(len(found))]


class Ranked:
    """The best entries for a query, best first; a :class:`Hit` (with its snippet) is made only for
    the places asked for, so a page of a deep ranking costs the page's snippets alone."""

    def __init__(self, entries: list[tuple[Entry, float]], words: list[str],
                 suggestions: list[str] | None = None) -> None:
        self.entries = entries
        self.words = words
        self.suggestions = suggestions or []  # names the query may have meant, when it found nothing

    def __len__(self) -> int:
        return len(self.entries)

    def key(self, place: int) -> str:
        """What the hit at ``place`` is, stable across versions: its kind, document and id (a section's
        id is only unique within its document)."""
        entry = self.entries[place][0]
        return f"{entry.kind}/{entry.document_slug or ''}/{entry.id}"

    def hit(self, place: int) -> Hit:
        entry, score = self.entries[place]
        snippet, highlights = make_snippet(entry.body or entry.title, self.words)
        return Hit(entry.kind, entry.id, entry.document_slug, entry.section_id, entry.title, snippet,
                   highlights, round(score, 4))


def ranked(snapshot: Snapshot, query: str, locale: str, first: int) -> Ranked:
    """The ``first`` best entries for ``query`` in ``locale`` (see :func:`rules.search.query.find`:
    exact words, other forms, prefixes, corrections and lay words), without snippets."""
    index = index_for(snapshot, locale)
    found = rules_query.find(index, query, first)
    return Ranked([(index.entries[e], score) for e, score in found.ranked], found.words, found.suggestions)


def suggestions(snapshot: Snapshot, query: str, locale: str) -> list[str]:
    """The names ``query`` may have meant when it finds nothing (none when it finds something)."""
    return ranked(snapshot, query, locale, 1).suggestions


def count(snapshot: Snapshot, query: str, locale: str) -> int:
    """How many entries match ``query`` (all the hits, however deep), by set operations on the
    postings, without scoring any."""
    return rules_query.count(index_for(snapshot, locale), query)
