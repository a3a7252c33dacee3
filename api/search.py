"""Full-text search over one content snapshot, per language, accent- and case-insensitive.

*metastasis* finds *metástasis*; *quimio* finds *quimioterapia* (every word of the query also
matches as a prefix, exact words rank higher). Hits are documents, sections, treatments and
glossary terms, ranked by a BM25-style score with titles weighted above body text, each with a
snippet and the ranges to highlight. The index is built once per content version.

Each token's postings are two flat arrays (entries, and each entry's part of the BM25 score that
does not depend on the query) plus their rank order, so a query reads a common word's best
entries first instead of scoring every entry it occurs in; the answers are exactly those of
scoring everything (tests/api/test_search_ranking.py compares them).
"""

from __future__ import annotations

import bisect
import heapq
import html
import math
import re
import threading
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from weakref import WeakKeyDictionary

from api.content.model import CalloutBlock, ListBlock, LocalizedText, ParagraphBlock
from api.content.snapshot import Snapshot, paused_cycle_collection

_WORD = re.compile(r"\w+")
_STOP = {
    "en": set(
        "a an and are as at be by for from has have how i if in is it its of on or our that the their "
        "them they this to was we what when which who will with you your"
        .split()
    ),
    "es": set(
        "a al con de del e el en es esta este la las le les lo los o para por que se su sus un una unas "
        "uno unos usted y ya"
        .split()
    ),
}
TITLE_WEIGHT = 3.0  # a whole number (see LocaleIndex.add)
PREFIX_WEIGHT = 0.6
MAX_EXPANSIONS = 64
FEW = 50_000  # when some word has at most this many entries, find the entries all words share first
DIRECT = 2_000  # and when at most this many, score them all
SNIPPET_CHARS = 160


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()[:1]
        if base and base != char:
            table[code] = base
    return table


_FOLD = _fold_table()
# The same table for Latin-1 text as bytes (every Latin-1 character folds to one): bytes.translate is
# a C table lookup, several times faster than str.translate's per-character dictionary lookups.
_FOLD_LATIN1 = bytes(ord(_FOLD.get(code, chr(code))) for code in range(256))


def fold(text: str) -> str:
    """Lowercase and strip accents, keeping every character at its place (offsets still match)."""
    try:
        return text.encode("latin-1").translate(_FOLD_LATIN1).decode("latin-1")
    except UnicodeEncodeError:
        return text.translate(_FOLD)


@dataclass(frozen=True)
class Entry:
    kind: str  # document | section | treatment | term
    id: str
    document_slug: str | None
    section_id: str | None
    title: str
    body: str
    keywords: str = ""  # indexed like the title, never shown (other forms of a glossary term)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: str
    document_slug: str | None
    section_id: str | None
    title: str
    snippet: str
    highlights: list[tuple[int, int]]
    score: float

    @property
    def snippet_html(self) -> str:
        out, last = [], 0
        for start, length in self.highlights:
            out += [html.escape(self.snippet[last:start]), "<mark>",
                    html.escape(self.snippet[start:start + length]), "</mark>"]
            last = start + length
        out.append(html.escape(self.snippet[last:]))
        return "".join(out)


class Postings:
    """The entries a token occurs in (ascending) with each one's BM25 term weight, and their rank order.

    Two flat arrays instead of a dict per token: a tenth of the memory. ``norm`` is the part of
    the score that depends only on the entry and the token, computed once when the index is built.
    """

    __slots__ = ("entries", "norms", "ranked")

    def __init__(self, entries: array, norms: array) -> None:
        self.entries = entries
        self.norms = norms
        # positions, highest norm first and, among equal norms, lowest entry first (a stable sort)
        self.ranked = array("i", sorted(range(len(norms)), key=norms.__getitem__, reverse=True))


@dataclass
class LocaleIndex:
    entries: list[Entry] = field(default_factory=list)
    postings: dict[str, Postings] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    average_length: float = 1.0
    # while building: token -> (entry indexes, weighted term frequencies)
    _building: dict[str, tuple[array, array]] = field(default_factory=dict, repr=False)

    def add(self, entry: Entry) -> None:
        index = len(self.entries)
        self.entries.append(entry)
        named = _WORD.findall(fold(entry.title)) + _WORD.findall(fold(entry.keywords))
        body = _WORD.findall(fold(entry.body))
        # Weighted term frequencies. The weights are whole numbers, so every partial sum is exact
        # and the order of the additions cannot change a frequency.
        counts: dict[str, float] = {}
        for token in named:
            counts[token] = counts.get(token, 0.0) + TITLE_WEIGHT
        for token, times in Counter(body).items():
            counts[token] = counts.get(token, 0.0) + times
        building = self._building
        for token, frequency in counts.items():
            slot = building.get(token)
            if slot is None:
                slot = building[token] = (array("i"), array("d"))
            slot[0].append(index)
            slot[1].append(frequency)
        self.lengths.append(len(named) + len(body))

    def finish(self) -> None:
        self.vocabulary = sorted(self._building)
        self.average_length = average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        # BM25's length part of each entry: 1.2 * (0.25 + 0.75 * length / average), computed once
        damping = [1.2 * (0.25 + 0.75 * length / average) for length in self.lengths]
        for token, (entries, frequencies) in self._building.items():
            norms = array("d", [tf * 2.2 / (tf + damping[entry])
                                for entry, tf in zip(entries, frequencies, strict=True)])
            self.postings[token] = Postings(entries, norms)
        self._building = {}

    def expand(self, token: str) -> list[tuple[str, float]]:
        """The vocabulary words a query word matches: itself, then words it begins."""
        matches = [(token, 1.0)] if token in self.postings else []
        start = bisect.bisect_left(self.vocabulary, token)
        for word in self.vocabulary[start:start + MAX_EXPANSIONS + 1]:
            if not word.startswith(token):
                break
            if word != token:
                matches.append((word, PREFIX_WEIGHT))
        return matches


def _text(value: LocalizedText | None, locale: str, fallback: str) -> str:
    if value is None:
        return ""
    return value.get(locale) or value.get(fallback) or ""


def build_index(snapshot: Snapshot, locale: str) -> LocaleIndex:
    content, fb = snapshot.content, snapshot.content.default_locale
    index = LocaleIndex()
    shown_in: dict[str, tuple[str, str]] = {}
    for doc in content.documents:
        index.add(Entry("document", doc.slug, doc.slug, None, _text(doc.title, locale, fb),
                        _text(doc.summary, locale, fb)))
        for section in doc.sections:
            body = []
            for block in section.blocks:
                if isinstance(block, ParagraphBlock | CalloutBlock):
                    body.append(_text(block.text, locale, fb))
                elif isinstance(block, ListBlock):
                    body += [_text(item, locale, fb) for item in block.items]
                for tid in getattr(block, "treatment_ids", []):
                    shown_in.setdefault(tid, (doc.slug, section.id))
            index.add(Entry("section", section.id, doc.slug, section.id, _text(section.heading, locale, fb),
                            " ".join(body)))
    for t in content.treatments:
        slug, section_id = shown_in.get(t.id, (None, None))
        facts = [_text(snapshot.facts[f].text, locale, fb) for f in t.institution_facts if f in snapshot.facts]
        body = " ".join([_text(t.summary, locale, fb), _text(t.how_it_works, locale, fb), *facts])
        index.add(Entry("treatment", t.id, slug, section_id, _text(t.name, locale, fb), body))
    for term in content.glossary:
        forms = term.also_matches.root.get(locale, []) if term.also_matches else []
        title = _text(term.term, locale, fb)
        index.add(Entry("term", term.id, None, None, title, _text(term.definition, locale, fb), " ".join(forms)))
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
        return per_locale[locale]


def query_words(query: str, locale: str) -> list[str]:
    words = _WORD.findall(fold(query))
    kept = [w for w in words if w not in _STOP.get(locale, set())]
    return list(dict.fromkeys(kept or words))


def search(snapshot: Snapshot, query: str, locale: str, first: int = 10) -> list[Hit]:
    """Ranked hits for ``query`` in ``locale``. Every query word must match (exactly or as a prefix).

    An entry's score for a word is the best, over the vocabulary words it matches, of
    ``weight * idf * norm``; its score for the query is the sum over the words, in order. Hits
    are the ``first`` best entries (equal scores: the earlier entry first). They are found
    without scoring every entry a common word occurs in (see :func:`_top`).
    """
    index = index_for(snapshot, locale)
    words = query_words(query, locale)
    if not words:
        return []
    total = len(index.entries)
    expansions = []
    for word in words:
        boosts = []
        for token, weight in index.expand(word):
            postings = index.postings[token]
            idf = math.log(1 + (total - len(postings.entries) + 0.5) / (len(postings.entries) + 0.5))
            boosts.append((postings, weight * idf))
        if not boosts:
            return []
        expansions.append(boosts)
    sizes = [sum(len(postings.entries) for postings, _ in boosts) for boosts in expansions]
    try:
        if first < 1:
            best = _every(expansions, first)
        elif len(expansions) > 1 and min(sizes) <= FEW:
            matching = _matching(expansions, sizes)
            if len(matching) <= DIRECT:
                best = _scored(expansions, matching, first)
            else:
                best = _top([_Stream(boosts) for boosts in expansions], first, matching)
        else:
            best = _top([_Stream(boosts) for boosts in expansions], first)
    except _Unordered:
        best = _every(expansions, first)
    return [_hit(index.entries[e], score, words) for e, score in best]


def _matching(expansions: list[list[tuple[Postings, float]]], sizes: list[int]) -> set[int]:
    """The entries every word occurs in, by set operations (in C) starting from the rarest word."""
    rarest = min(range(len(sizes)), key=sizes.__getitem__)
    matching: set[int] = set().union(*(postings.entries for postings, _ in expansions[rarest]))
    for w, boosts in enumerate(expansions):
        if w != rarest and matching:
            matching = matching.intersection(chain.from_iterable(postings.entries for postings, _ in boosts))
    return matching


def _scored(expansions: list[list[tuple[Postings, float]]], matching: set[int],
            first: int) -> list[tuple[int, float]]:
    """Score the few entries every word occurs in."""
    streams = [_Stream(boosts) for boosts in expansions]
    totals = [(entry, _sum([stream.score(entry) for stream in streams])) for entry in matching]  # type: ignore[misc]
    return sorted(totals, key=lambda pair: (-pair[1], pair[0]))[:first]


def _every(expansions: list[list[tuple[Postings, float]]], first: int) -> list[tuple[int, float]]:
    """Score every entry of every word: the plain way, and the reference the fast way must match."""
    scores: dict[int, float] | None = None
    for boosts in expansions:
        word_scores: dict[int, float] = {}
        for postings, boost in boosts:
            for entry, norm in zip(postings.entries, postings.norms, strict=True):
                word_scores[entry] = max(word_scores.get(entry, 0.0), boost * norm)
        if scores is None:
            scores = word_scores
        else:
            scores = {e: s + word_scores[e] for e, s in scores.items() if e in word_scores}
        if not scores:
            return []
    assert scores is not None
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:first]


class _Unordered(Exception):
    """Two entries of a token tie on score but not on norm, so its rank order is not score order."""


class _Stream:
    """One query word's entries in score order (best first; equal scores: lower entry first), each once.

    A merge of the rank orders of the vocabulary words it matches; an entry's first appearance
    carries its best score, which is its score for the word. A word that matches one vocabulary
    word (the usual case) just walks that word's rank order.
    """

    __slots__ = ("boost", "boosts", "entries", "heap", "last", "norms", "position", "ranked", "seen", "single")

    def __init__(self, boosts: list[tuple[Postings, float]]) -> None:
        self.boosts = boosts
        self.single = boosts[0] if len(boosts) == 1 else None
        if self.single is not None:  # kept apart: next() runs for every entry read
            self.entries, self.norms, self.ranked = boosts[0][0].entries, boosts[0][0].norms, boosts[0][0].ranked
            self.boost = boosts[0][1]
        self.position = 0
        self.last: tuple[float, int] | None = None
        self.heap: list[tuple[float, int, int, int]] = []  # (-score, entry, which token, rank position)
        if self.single is None:
            for k, (postings, boost) in enumerate(boosts):
                if postings.ranked:
                    at = postings.ranked[0]
                    self.heap.append((-(boost * postings.norms[at]), postings.entries[at], k, 0))
            heapq.heapify(self.heap)
        self.seen: set[int] = set()

    def next(self) -> tuple[float, int] | None:
        if self.single is not None:
            position, ranked = self.position, self.ranked
            if position == len(ranked):
                return None
            at = ranked[position]
            item = (self.boost * self.norms[at], self.entries[at])
            last = self.last
            if last is not None and item[0] == last[0] and item[1] < last[1]:
                raise _Unordered
            self.position = position + 1
            self.last = item
            return item
        heap = self.heap
        while heap:
            negative, entry, k, i = heapq.heappop(heap)
            postings, boost = self.boosts[k]
            if i + 1 < len(postings.ranked):
                at = postings.ranked[i + 1]
                following = (-(boost * postings.norms[at]), postings.entries[at], k, i + 1)
                if following[0] == negative and following[1] < entry:
                    raise _Unordered
                heapq.heappush(heap, following)
            if entry not in self.seen:
                self.seen.add(entry)
                return -negative, entry
        return None

    def _positions(self) -> list[tuple[float, int, int]]:
        """(score, which token, rank position) of the next item of each token still being read."""
        if self.single is not None:
            postings, boost = self.single
            if self.position == len(postings.ranked):
                return []
            return [(boost * postings.norms[postings.ranked[self.position]], 0, self.position)]
        return [(-negative, k, i) for negative, _entry, k, i in self.heap]

    def head(self) -> tuple[float, int] | None:
        """Where the stream stands: every entry it has not returned comes after this (score, entry)."""
        if self.single is not None:
            postings, boost = self.single
            if self.position == len(postings.ranked):
                return None
            at = postings.ranked[self.position]
            return boost * postings.norms[at], postings.entries[at]
        return (-self.heap[0][0], self.heap[0][1]) if self.heap else None

    def below(self, score: float) -> float | None:
        """The best score still to come that is lower than ``score`` (None: nothing lower remains)."""
        best = None
        for value, k, i in self._positions():
            if value >= score:
                postings, boost = self.boosts[k]
                at = bisect.bisect_right(postings.ranked, -score, lo=i,
                                         key=lambda pos, p=postings, b=boost: -(b * p.norms[pos]))
                if at == len(postings.ranked):
                    continue
                value = boost * postings.norms[postings.ranked[at]]
            best = value if best is None or value > best else best
        return best

    def score(self, entry: int, bisect_left: Any = bisect.bisect_left) -> float | None:
        """The entry's score for this word (None: the word does not occur in it)."""
        if self.single is not None:
            entries = self.entries
            at = bisect_left(entries, entry)
            return self.boost * self.norms[at] if at < len(entries) and entries[at] == entry else None
        best = None
        for postings, boost in self.boosts:
            entries = postings.entries
            at = bisect_left(entries, entry)
            if at < len(entries) and entries[at] == entry:
                value = boost * postings.norms[at]
                best = value if best is None or value > best else best
        return best


def _sum(parts: list[float]) -> float:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _top(streams: list[_Stream], first: int, matching: set[int] | None = None) -> list[tuple[int, float]]:
    """The ``first`` best (entry, score) pairs, read from the words' streams best first.

    Fagin's threshold algorithm: take the next entry of each word in turn, score it for the
    other words (a binary search per matched token), and stop once no entry not yet read can
    beat the ``first``-th best. An unread entry scores at most each word's current head, so at
    most ``threshold``, the sum of the heads (float addition is monotonic). Equal totals are
    ordered by entry: an unread entry below the ``first``-th best's entry scores strictly less
    than the head in any word whose head entry is past that entry, so at most the threshold
    with that head lowered to the next lower score there.
    """
    if len(streams) == 1:
        out = []
        while len(out) < first and (item := streams[0].next()) is not None:
            out.append((item[1], item[0]))
        return out
    read: set[int] = set()
    best: list[tuple[float, int]] = []  # the best `first` so far, worst on top: (total, -entry)
    pair = streams if len(streams) == 2 else None
    rounds = 0
    while True:
        for w, stream in enumerate(streams):
            item = stream.next()
            if item is None:  # every entry with this word has been read: nothing else can match
                return _ranked(best)
            score, entry = item
            if entry in read or (matching is not None and entry not in matching):
                continue
            read.add(entry)
            if pair is not None:  # two words, the most common case, without the lists
                other = pair[1 - w].score(entry)
                if other is None:
                    continue
                total = score + other if w == 0 else other + score
            else:
                parts = [score if v == w else s.score(entry) for v, s in enumerate(streams)]
                if None in parts:
                    continue
                total = _sum(parts)  # type: ignore[arg-type]
            if len(best) < first:
                heapq.heappush(best, (total, -entry))
            elif (total, -entry) > best[0]:
                heapq.heapreplace(best, (total, -entry))
        rounds += 1
        if len(best) == first and rounds % 4 == 0 and _settled(streams, best[0][0], -best[0][1]):
            return _ranked(best)


def _ranked(best: list[tuple[float, int]]) -> list[tuple[int, float]]:
    return [(-negative, total) for total, negative in sorted(best, key=lambda item: (-item[0], -item[1]))]


def _settled(streams: list[_Stream], last_total: float, last_entry: int) -> bool:
    """Whether no unread entry can rank before (last_total, last_entry)."""
    heads = [stream.head() for stream in streams]
    if None in heads:
        return True
    scores = [head[0] for head in heads]  # type: ignore[index]
    threshold = _sum(scores)
    if threshold != last_total:
        return threshold < last_total
    for w, head in enumerate(heads):
        if head[1] >= last_entry:  # type: ignore[index]
            lower = streams[w].below(scores[w])
            if lower is None or _sum([lower if v == w else s for v, s in enumerate(scores)]) < last_total:
                return True
    return False


def _hit(entry: Entry, score: float, words: list[str]) -> Hit:
    snippet, highlights = make_snippet(entry.body or entry.title, words)
    return Hit(entry.kind, entry.id, entry.document_slug, entry.section_id, entry.title, snippet,
               highlights, round(score, 4))


def make_snippet(text: str, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first match, and the (start, length) of each matched word."""
    folded = fold(text)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)
             if any(m.group().startswith(w) for w in words)]
    start = 0
    if spans and len(text) > SNIPPET_CHARS:
        start = max(0, spans[0][0] - SNIPPET_CHARS // 4)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + SNIPPET_CHARS)
    while end < len(text) and not text[end].isspace():
        end += 1
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    snippet = prefix + text[start:end] + suffix
    offset = len(prefix) - start
    highlights = [(s + offset, e - s) for s, e in spans if s >= start and e <= end]
    return snippet, highlights
