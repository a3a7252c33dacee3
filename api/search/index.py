"""The search index of one content version in one language: entries and every word's postings.

The index is a handful of flat arrays, whatever the number of words: every word's postings (the
entries it occurs in, ascending, and its weighted frequency in each) one after another, and each
word's rank order (highest BM25 term weight first), so a query reads a common word's best entries
first. Entries are references to the content; their texts are made again for the few that
become hits. An index is built on first use and kept with its snapshot.
"""

from __future__ import annotations

import bisect
import math
import threading
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload
from weakref import WeakKeyDictionary

from api.content.model import CalloutBlock, InstitutionFact, ListBlock, LocalizedText, ParagraphBlock
from api.content.snapshot import Snapshot
from api.memory import give_back_freed_memory, paused_cycle_collection
from api.search.text import WORD, fold

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
PREFIX_WEIGHT = 0.6
MAX_EXPANSIONS = 64
DENSE = 16  # a word in at least one entry in this many gets a look-up table (see LocaleIndex._densify)
KINDS = ("document", "section", "treatment", "term")


@dataclass(frozen=True)
class Entry:
    kind: str  # document | section | treatment | term
    id: str
    document_slug: str | None
    section_id: str | None
    title: str
    body: str
    keywords: str = ""  # indexed like the title, never shown (other forms of a glossary term)


def _text(value: LocalizedText | None, locale: str, fallback: str) -> str:
    if value is None:
        return ""
    return value.get(locale) or value.get(fallback) or ""


class Entries(Sequence[Entry]):
    """What the index finds, by number: a reference to the content record and where it is shown.

    An entry's texts are made again when asked for (a hit), so the index keeps no copy of the
    content's text: at 10,000 documents that copy alone was about 100 MB.
    """

    def __init__(self, locale: str, fallback: str, facts: dict[str, InstitutionFact]) -> None:
        self.locale, self.fallback, self.facts = locale, fallback, facts
        self.sources: list[Any] = []  # Document | Section | Treatment | GlossaryTerm
        self.kinds = bytearray()  # index into KINDS
        self.parents = array("i")  # a section's document entry, the section entry showing a treatment, or -1

    def add(self, kind: str, source: Any, parent: int = -1) -> int:
        self.sources.append(source)
        self.kinds.append(KINDS.index(kind))
        self.parents.append(parent)
        return len(self.sources) - 1

    def __len__(self) -> int:
        return len(self.sources)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        source, kind, parent = self.sources[index], KINDS[self.kinds[index]], self.parents[index]
        title, body, keywords = self.texts(index)
        slug = section_id = None
        if kind == "document":
            slug = source.slug
        elif kind == "section":
            slug, section_id = self.sources[parent].slug, source.id
        elif kind == "treatment" and parent >= 0:
            slug, section_id = self.sources[self.parents[parent]].slug, self.sources[parent].id
        return Entry(kind, slug if kind == "document" else source.id, slug, section_id, title, body, keywords)

    def texts(self, index: int) -> tuple[str, str, str]:
        """The entry's title, body and keywords (other forms of a glossary term) in the index's language."""
        source, kind, locale, fb = self.sources[index], KINDS[self.kinds[index]], self.locale, self.fallback
        if kind == "document":
            return _text(source.title, locale, fb), _text(source.summary, locale, fb), ""
        if kind == "section":
            body = []
            for block in source.blocks:
                if isinstance(block, ParagraphBlock | CalloutBlock):
                    body.append(_text(block.text, locale, fb))
                elif isinstance(block, ListBlock):
                    body += [_text(item, locale, fb) for item in block.items]
            return _text(source.heading, locale, fb), " ".join(body), ""
        if kind == "treatment":
            facts = [_text(self.facts[f].text, locale, fb) for f in source.institution_facts if f in self.facts]
            body = " ".join([_text(source.summary, locale, fb), _text(source.how_it_works, locale, fb), *facts])
            return _text(source.name, locale, fb), body, ""
        forms = source.also_matches.root.get(locale, []) if source.also_matches else []
        return _text(source.term, locale, fb), _text(source.definition, locale, fb), " ".join(forms)


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

    def __init__(self, entries: Entries) -> None:
        self.entries = entries
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

    def finish(self) -> None:
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

    def expand(self, word: str) -> list[tuple[int, float]]:
        """The vocabulary words a query word matches (by number): itself, then words it begins."""
        vocabulary = self.vocabulary
        start = bisect.bisect_left(vocabulary, word)
        matches = []
        if start < len(vocabulary) and vocabulary[start] == word:
            matches.append((start, 1.0))
            start += 1
        for t in range(start, min(len(vocabulary), start + MAX_EXPANSIONS)):
            if not vocabulary[t].startswith(word):
                break
            matches.append((t, PREFIX_WEIGHT))
        return matches

    def tokens(self, word: str) -> list[Token]:
        """The vocabulary words ``word`` matches, each with its boost (weight times idf)."""
        total, starts = len(self.entries), self.starts
        out = []
        for t, weight in self.expand(word):
            start, end = starts[t], starts[t + 1]
            size = end - start
            out.append(Token(start, end, weight * math.log(1 + (total - size + 0.5) / (size + 0.5)),
                              self.dense.get(t)))
        return out


class Token:
    """One vocabulary word matched by a query word: where its postings are, and its boost."""

    __slots__ = ("boost", "dense", "end", "start")

    def __init__(self, start: int, end: int, boost: float, dense: bytes | None = None) -> None:
        self.start, self.end, self.boost, self.dense = start, end, boost, dense


def build_index(snapshot: Snapshot, locale: str) -> LocaleIndex:
    content, fb = snapshot.content, snapshot.content.default_locale
    entries = Entries(locale, fb, snapshot.facts)
    index = LocaleIndex(entries)
    shown_in: dict[str, int] = {}  # treatment id -> entry of the first section showing it
    for doc in content.documents:
        index.add(document := entries.add("document", doc), *entries.texts(document))
        for section in doc.sections:
            number = entries.add("section", section, document)
            for block in section.blocks:
                for tid in getattr(block, "treatment_ids", []):
                    shown_in.setdefault(tid, number)
            index.add(number, *entries.texts(number))
    for t in content.treatments:
        number = entries.add("treatment", t, shown_in.get(t.id, -1))
        index.add(number, *entries.texts(number))
    for term in content.glossary:
        number = entries.add("term", term)
        index.add(number, *entries.texts(number))
    index.finish()
    return index


_indexes: WeakKeyDictionary[Snapshot, dict[str, LocaleIndex]] = WeakKeyDictionary()
_lock = threading.Lock()


def index_for(snapshot: Snapshot, locale: str) -> LocaleIndex:
    """The index of ``snapshot`` in ``locale``, built on first use and kept with the snapshot."""
    with _lock:
        per_locale = _indexes.setdefault(snapshot, {})
        if locale not in per_locale:
            with paused_cycle_collection():  # a large index is millions of new objects, like a load
                per_locale[locale] = build_index(snapshot, locale)
            give_back_freed_memory()  # the postings made apart before they were joined
        return per_locale[locale]
