"""Full-text search over one content snapshot, per language, accent- and case-insensitive.

*metastasis* finds *metástasis*; *quimio* finds *quimioterapia* (every word of the query also
matches as a prefix, exact words rank higher). Hits are documents, sections, treatments and
glossary terms, ranked by a BM25-style score with titles weighted above body text, each with a
snippet and the ranges to highlight. The index is built once per content version.

``text`` folds words and cuts snippets; ``index`` holds each language's postings in a few flat
arrays; ``ranking`` finds the best entries without scoring every entry a common word occurs in,
with exactly the answers of scoring everything (tests/api/test_search_ranking.py compares them).
"""

from __future__ import annotations

from api.content.snapshot import Snapshot
from api.search.index import Entry, index_for
from api.search.ranking import rank, shared_entries
from api.search.text import Hit, fold, make_snippet, query_words

__all__ = ["Hit", "Ranked", "count", "fold", "index_for", "make_snippet", "query_words", "ranked", "search"]


def search(snapshot: Snapshot, query: str, locale: str, first: int = 10) -> list[Hit]:
    """Ranked hits for ``query`` in ``locale``. Every query word must match (exactly or as a prefix).

    An entry's score for a word is the best, over the vocabulary words it matches, of
    ``weight * idf * norm``; its score for the query is the sum over the words, in order. Hits
    are the ``first`` best entries (equal scores: the earlier entry first). They are found
    without scoring every entry a common word occurs in (see :mod:`api.search.ranking`).
    """
    found = ranked(snapshot, query, locale, first)
    return [found.hit(n) for n in range(len(found))]


class Ranked:
    """The best entries for a query, best first; a :class:`Hit` (with its snippet) is made only for
    the places asked for, so a page of a deep ranking costs the page's snippets alone."""

    def __init__(self, entries: list[tuple[Entry, float]], words: list[str]) -> None:
        self.entries = entries
        self.words = words

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
    """The ``first`` best entries for ``query`` in ``locale`` (see :func:`search`), without snippets."""
    index = index_for(snapshot, locale)
    words = query_words(query, locale)
    if not words:
        return Ranked([], words)
    expansions = [index.tokens(word) for word in words]
    if not all(expansions):
        return Ranked([], words)
    return Ranked([(index.entries[e], score) for e, score in rank(index, expansions, first)], words)


def count(snapshot: Snapshot, query: str, locale: str) -> int:
    """How many entries match every word of ``query`` (all the hits, however deep), by set operations
    on the postings, without scoring any."""
    index = index_for(snapshot, locale)
    words = query_words(query, locale)
    expansions = [index.tokens(word) for word in words]
    if not words or not all(expansions):
        return 0
    return len(shared_entries(index, expansions, [sum(t.end - t.start for t in e) for e in expansions]))
