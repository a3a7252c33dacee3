"""A query, start to end: its words, the other queries its lay words lead to, each word's matches, the ranking.

The server (:mod:`api.search`) and the phone (:mod:`mobile.search`) both answer through
:func:`find`, on indexes of the same entries, so a query gives both the same hits in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.search.index import LocaleIndex
from rules.search.ranking import rank, shared_entries
from rules.search.synonyms import SYNONYM_WEIGHT
from rules.search.words import query_words

MAX_HIGHLIGHTED = 32  # words a snippet marks, at most


@dataclass(frozen=True)
class Found:
    """The best entries of a query, best first, the words to mark in their snippets and, when
    nothing was found, the names the query may have meant."""

    ranked: list[tuple[int, float]] = field(default_factory=list)  # (entry number, score)
    words: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def alternatives(index: LocaleIndex, query: str) -> list[tuple[list[str], float]]:
    """The query's words, then the rewrites its synonyms lead to, each with the weight of its scores."""
    words = query_words(query, index.locale)
    if not words:
        return []
    return [(words, 1.0), *((other, SYNONYM_WEIGHT) for other in index.synonyms.rewrites(words))]


def find(index: LocaleIndex, query: str, first: int) -> Found:
    """The ``first`` best entries for ``query``: every word of one of its alternatives must match
    (exactly, as another form, as a prefix or, failing all those, corrected); an entry found by
    several alternatives keeps its best score."""
    best: dict[int, float] = {}
    marked: list[str] = []
    tried = alternatives(index, query)
    for words, weight in tried:
        matches = [index.expand(word) for word in words]
        expansions = [index.tokens_of(m) for m in matches]
        marked += [w for word, m in zip(words, matches, strict=True) for w in (word, *index.marked(m))]
        if all(expansions):
            for entry, score in rank(index, expansions, first):
                score *= weight  # exact for the query as typed (weight 1.0)
                if score > best.get(entry, 0.0):
                    best[entry] = score
    ranked = sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:first]
    words = list(dict.fromkeys(marked))[:MAX_HIGHLIGHTED]
    if ranked or not tried:
        return Found(ranked, words)
    return Found([], words, index.suggester.suggest(tried[0][0]))


def count(index: LocaleIndex, query: str) -> int:
    """How many entries match one of the query's alternatives (all the hits, however deep), without scoring."""
    found: set[int] = set()
    for words, _ in alternatives(index, query):
        expansions = [index.tokens(word) for word in words]
        if all(expansions):
            found |= shared_entries(index, expansions, [sum(t.end - t.start for t in e) for e in expansions])
    return len(found)
