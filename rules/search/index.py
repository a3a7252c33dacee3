"""One language's search index: every word's postings in a few flat arrays, and how a query word matches them.

The index is a handful of flat arrays, whatever the number of words: every word's postings (the
entries it occurs in, ascending, and its weighted frequency in each) one after another, and each
word's rank order (highest BM25 term weight first), so a query reads a common word's best entries
first. What an entry is belongs to whoever builds the index: the server's content records
(:mod:`api.search.index`) or the phone's stored screens (:mod:`mobile.search`); both add the same
texts in the same order, so both rank alike.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from rules.search import spelling
from rules.search.suggestions import Suggester
from rules.search.synonyms import Synonyms
from rules.search.words import WORD, stem
from rules.text import fold

# BM25 (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009) with its usual
# constants: K1 saturates a word's frequency, B is how much an entry's length matters.
K1, B = 1.2, 0.75


def damping_of(length: int, average: float) -> float:
    """BM25's length part for an entry: ``K1 * (1 - B + B * length / average)``."""
    return K1 * (1 - B + B * length / average)


def bm25_weight(tf: int, damping: float) -> float:
    """BM25's term weight of a word ``tf`` times in an entry with ``damping`` (see :func:`damping_of`):
    the word's share of the entry's score, before the idf. The definition; :func:`bm25_weights`
    is the same for lists."""
    return tf * (K1 + 1) / (tf + damping)


def bm25_weights(tfs: Sequence[int], entries: Sequence[int], damping: Sequence[float],
                 boost: float = 1.0) -> list[float]:
    """``boost * bm25_weight(tfs[i], damping[entries[i]])`` for each ``i`` (0.0 where the tf is 0):
    the fast path, for the thousands of weights a query reads at once.

    One Python call per weight cost half the time of a search (534 → 818 ms for 760 searches at
    1,000 documents); one per list costs nothing. The arithmetic is :func:`bm25_weight`'s, in the
    same order, and tests/api/test_search_ranking.py checks that the bits are the same.
    """
    k = K1 + 1
    return [boost * (tf * k / (tf + damping[entry])) for tf, entry in zip(tfs, entries, strict=True)]


TITLE_WEIGHT = 3  # a whole number, so weighted frequencies are whole numbers too
# How much a vocabulary word counts for a query word it matches, by how it matches. An exact word
# ranks above its other forms, those above words it begins, and a correction below them all:
# corrections are only looked for when nothing else matches, so they never compete with the rest.
EXACT_WEIGHT = 1.0
STEM_WEIGHT = 0.8  # the same stem: "surgeries" for "surgery"
PREFIX_WEIGHT = 0.6
TYPO_WEIGHTS = {1: 0.4, 2: 0.25}  # by edits
MAX_EXPANSIONS = 64  # the most vocabulary words one query word reads (stems, prefixes, corrections)
DENSE = 16  # a word in at least one entry in this many gets a look-up table (see LocaleIndex._densify)


class LocaleIndex:
    """Every word's postings in a few flat arrays, and the entries they point to.

    Word ``t`` (``vocabulary[t]``, sorted) occurs in ``postings[starts[t]:starts[t + 1]]``
    (entry numbers, ascending) with weighted frequencies ``frequencies[...]`` at the same places;
    ``ranked[...]`` at the same places holds those places highest term weight first and, among
    equal weights, lowest entry first. A term weight (BM25 without the idf) is ``norm(place)``,
    computed when read: storing it would take 8 bytes a posting.
    One array per word instead would cost more than the postings for the 100,000 words that
    occur once or twice.
    """

    def __init__(self, entries: Sequence[Any], locale: str) -> None:
        self.entries = entries
        self.locale = locale
        self.stems: dict[str, tuple[int, ...]] = {}  # a stem -> the words it is the stem of, where it is not the word
        self.synonyms = Synonyms(locale, ())  # the glossary's lay words (see finish)
        self.suggester = Suggester(())  # the names did-you-mean offers (see finish)
        self.vocabulary: list[str] = []
        self.starts = array("q", [0])
        self.postings = array("i")
        self.frequencies = array("i")
        self.ranked = array("i")
        self.damping = array("d")  # BM25's length part per entry (see damping_of)
        self.average_length = 1.0
        self._lengths = array("i")
        self.dense: dict[int, bytes] = {}  # a common word's weighted frequency in every entry (0: absent)
        self._building: dict[str, tuple[array, array]] = {}  # word -> (entries, frequencies)

    def add_postings(self, word: str, entries: Sequence[int], frequencies: Sequence[int]) -> None:
        """Give ``word`` its postings directly (entries ascending, weighted frequencies at the same
        places), before :meth:`finish`: for indexes built from made-up postings (the ranking's tests)."""
        self._building[word] = (array("i", entries), array("i", frequencies))

    def add_length(self, length: int) -> None:
        """Count one more entry of ``length`` words, for an index built with :meth:`add_postings`."""
        self._lengths.append(length)

    def add(self, index: int, title: str, body: str, keywords: str = "") -> None:
        named = WORD.findall(fold(title)) + WORD.findall(fold(keywords))
        words = WORD.findall(fold(body))
        counts = Counter(words)
        for token in named:
            counts[token] += TITLE_WEIGHT
        building = self._building
        for token, frequency in counts.items():
            slot = building.get(token)
            if slot is None:
                slot = building[token] = (array("i"), array("i"))
            slot[0].append(index)
            slot[1].append(frequency)
        self._lengths.append(len(named) + len(words))

    def finish(self, lay_words: Iterable[tuple[str, str]] = (), names: Iterable[str] = ()) -> None:
        """Join the postings once every entry is added; ``lay_words`` are (form, its term's name)
        for :class:`Synonyms`, ``names`` the glossary terms and treatment names did-you-mean offers."""
        self.synonyms = Synonyms(self.locale, lay_words)
        self.suggester = Suggester(names)
        lengths = self._lengths
        self.average_length = average = (sum(lengths) / len(lengths)) if lengths else 1.0
        self.damping = damping = array("d", [damping_of(length, average) for length in lengths])
        self.vocabulary = sorted(self._building)
        starts, postings, frequencies, ranked = self.starts, self.postings, self.frequencies, self.ranked
        for token in self.vocabulary:
            entries, tfs = self._building.pop(token)
            base = len(postings)
            postings += entries
            frequencies += tfs
            starts.append(len(postings))
            if len(entries) == 1:
                ranked.append(base)
            else:
                norms = bm25_weights(tfs, entries, damping)
                order = sorted(range(len(norms)), key=norms.__getitem__, reverse=True)  # stable
                ranked.extend(map(base.__add__, order))
        # most weighted frequencies are small: one byte each instead of four when they all fit
        if max(frequencies, default=0) < 256:
            self.frequencies = array("B", frequencies)
            self._densify()
        elif max(frequencies) < 65536:
            self.frequencies = array("H", frequencies)
        self._lengths = array("i")
        self._group_stems()

    def _group_stems(self) -> None:
        """Group the words by stem, keeping only the words that are not their own stem: most of a
        library's words (names, made-up words) are, and the query's stem finds those directly."""
        groups: dict[str, list[int]] = {}
        locale = self.locale
        for t, word in enumerate(self.vocabulary):
            root = stem(word, locale)
            if root != word:
                groups.setdefault(root, []).append(t)
        self.stems = {root: tuple(ts) for root, ts in groups.items()}

    def _densify(self) -> None:
        """Give each common word a byte per entry, its frequency there: a look-up instead of a binary search.

        A binary search over an array boxes an integer at every step; a word in one entry in
        ``DENSE`` costs ``DENSE`` bytes per posting this way, no more than its postings.
        """
        total, starts, postings, frequencies = len(self.entries), self.starts, self.postings, self.frequencies
        for t in range(len(self.vocabulary)):
            start, end = starts[t], starts[t + 1]
            if (end - start) * DENSE >= total:
                dense = bytearray(total)
                for place in range(start, end):
                    dense[postings[place]] = frequencies[place]
                self.dense[t] = bytes(dense)

    def norm(self, place: int) -> float:
        """The term weight of the posting at ``place``: its word's share of the entry's score, before the idf."""
        return bm25_weight(self.frequencies[place], self.damping[self.postings[place]])

    def place(self, word: str) -> int | None:
        """The number of ``word`` in the vocabulary, or None."""
        vocabulary = self.vocabulary
        t = bisect.bisect_left(vocabulary, word)
        return t if t < len(vocabulary) and vocabulary[t] == word else None

    def expand(self, word: str, corrections: bool = True) -> list[tuple[int, float]]:
        """The vocabulary words a folded query word matches (by number) and each one's weight: itself,
        its other forms (the same stem), the words it begins and, when none of those is there,
        the nearest words within its typo allowance (see :mod:`rules.search.spelling`)."""
        vocabulary, matches = self.vocabulary, {}
        exact = self.place(word)
        if exact is not None:
            matches[exact] = EXACT_WEIGHT
        root = stem(word, self.locale)
        own = self.place(root)
        for t in self.stems.get(root, ()) + ((own,) if own is not None and stem(root, self.locale) == root else ()):
            matches.setdefault(t, STEM_WEIGHT)
        start = bisect.bisect_left(vocabulary, word)
        for t in range(start, min(len(vocabulary), start + MAX_EXPANSIONS)):
            if not vocabulary[t].startswith(word):
                break
            matches.setdefault(t, PREFIX_WEIGHT)
        if not matches and corrections:
            edits, places = spelling.corrections(vocabulary, word)
            matches = dict.fromkeys(places, TYPO_WEIGHTS.get(edits, 0.0))
        return sorted(list(matches.items())[:MAX_EXPANSIONS])

    def tokens(self, word: str) -> list[Token]:
        """The vocabulary words ``word`` matches, each with its boost (weight times idf)."""
        return self.tokens_of(self.expand(word))

    def tokens_of(self, matches: list[tuple[int, float]]) -> list[Token]:
        """The postings of the ``(vocabulary word, weight)`` pairs :meth:`expand` gave, each with its boost."""
        total, starts = len(self.entries), self.starts
        out = []
        for t, weight in matches:
            start, end = starts[t], starts[t + 1]
            size = end - start
            out.append(Token(start, end, weight * math.log(1 + (total - size + 0.5) / (size + 0.5)),
                              self.dense.get(t)))
        return out

    def marked(self, matches: list[tuple[int, float]]) -> list[str]:
        """The words a hit's snippet marks for these matches besides those the query word begins:
        other forms and corrections."""
        return [self.vocabulary[t] for t, weight in matches if weight != PREFIX_WEIGHT]


class Token:
    """One vocabulary word matched by a query word: where its postings are, and its boost."""

    __slots__ = ("boost", "dense", "end", "start")

    def __init__(self, start: int, end: int, boost: float, dense: bytes | None = None) -> None:
        self.start, self.end, self.boost, self.dense = start, end, boost, dense


