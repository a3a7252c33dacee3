"""Full-text search over one content snapshot, per language, accent- and case-insensitive.

*metastasis* finds *metástasis*; *quimio* finds *quimioterapia* (every word of the query also
matches as a prefix, exact words rank higher). Hits are documents, sections, treatments and
glossary terms, ranked by a BM25-style score with titles weighted above body text, each with a
snippet and the ranges to highlight. The index is built once per content version.

The index is a handful of flat arrays, whatever the number of words: every word's postings (the
entries it occurs in, ascending, and its weighted frequency in each) one after another, and each
word's rank order (highest BM25 term weight first), so a query reads a common word's best entries
first instead of scoring every entry it occurs in. Entries are references to the content; their
texts are made again for the few that become hits. The answers are exactly those of scoring
everything (tests/api/test_search_ranking.py compares them).
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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any, overload
from weakref import WeakKeyDictionary

from api.content.model import CalloutBlock, InstitutionFact, ListBlock, LocalizedText, ParagraphBlock
from api.content.snapshot import Snapshot, give_back_freed_memory, paused_cycle_collection

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
TITLE_WEIGHT = 3  # a whole number, so weighted frequencies are whole numbers too
PREFIX_WEIGHT = 0.6
MAX_EXPANSIONS = 64
FEW = 50_000  # when some word has at most this many entries, find the entries all words share first
DIRECT = 2_000  # and when at most this many, score them all
MERGED = 4  # a query word that matches more vocabulary words than this reads them merged, one by one
DENSE = 16  # a word in at least one entry in this many gets a look-up table (see LocaleIndex._densify)
SNIPPET_CHARS = 160
KINDS = ("document", "section", "treatment", "term")


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
        self.damping = array("d")  # BM25's length part per entry: 1.2 * (0.25 + 0.75 * length / average)
        self.average_length = 1.0
        self._lengths = array("i")
        self.dense: dict[int, bytes] = {}  # a common word's weighted frequency in every entry (0: absent)
        self._building: dict[str, tuple[array, array]] = {}  # word -> (entries, frequencies)

    def add(self, index: int, title: str, body: str, keywords: str = "") -> None:
        named = _WORD.findall(fold(title)) + _WORD.findall(fold(keywords))
        words = _WORD.findall(fold(body))
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
        self.damping = damping = array("d", [1.2 * (0.25 + 0.75 * length / average) for length in lengths])
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
                norms = [tf * 2.2 / (tf + damping[entry]) for entry, tf in zip(entries, tfs, strict=True)]
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
        tf = self.frequencies[place]
        return tf * 2.2 / (tf + self.damping[self.postings[place]])

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

    def tokens(self, word: str) -> list[_Token]:
        """The vocabulary words ``word`` matches, each with its boost (weight times idf)."""
        total, starts = len(self.entries), self.starts
        out = []
        for t, weight in self.expand(word):
            start, end = starts[t], starts[t + 1]
            size = end - start
            out.append(_Token(start, end, weight * math.log(1 + (total - size + 0.5) / (size + 0.5)),
                              self.dense.get(t)))
        return out


class _Token:
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
    expansions = [index.tokens(word) for word in words]
    if not all(expansions):
        return []
    return [_hit(index.entries[e], score, words) for e, score in rank(index, expansions, first)]


def rank(index: LocaleIndex, expansions: list[list[_Token]], first: int) -> list[tuple[int, float]]:
    """The ``first`` best (entry, score) pairs for the query words' ``expansions``, best first."""
    if first < 1:
        return _every(index, expansions, first)
    sizes = [sum(token.end - token.start for token in tokens) for tokens in expansions]
    matching = None
    if len(expansions) > 1 and min(sizes) <= FEW:
        matching = _matching(index, expansions, sizes)
        if len(matching) <= DIRECT:
            return _scored(index, expansions, matching, first)
    return _top(index, expansions, first, matching)


def _matching(index: LocaleIndex, expansions: list[list[_Token]], sizes: list[int]) -> set[int]:
    """The entries every word occurs in, by set operations (in C) starting from the rarest word."""
    postings = index.postings
    rarest = min(range(len(sizes)), key=sizes.__getitem__)
    matching: set[int] = set().union(*(postings[t.start:t.end] for t in expansions[rarest]))
    for w, tokens in enumerate(expansions):
        if w != rarest and matching:
            matching = matching.intersection(chain.from_iterable(postings[t.start:t.end] for t in tokens))
    return matching


def _scores(index: LocaleIndex, tokens: list[_Token], entries: list[int]) -> list[float | None]:
    """The entries' scores for one query word (None: the word does not occur in it).

    The binary searches run in C through ``map``: most of a query's time is here.
    """
    postings, frequencies, damping = index.postings, index.frequencies, index.damping
    best: list[float | None] | None = None
    for token in tokens:
        boost = token.boost
        if token.dense is not None:
            values = [boost * (tf * 2.2 / (tf + damping[entry])) if tf else None
                      for entry, tf in zip(entries, map(token.dense.__getitem__, entries), strict=True)]
            best = values if best is None else [
                b if v is None or (b is not None and b >= v) else v for b, v in zip(best, values, strict=True)]
            continue
        places = map(partial(bisect.bisect_left, postings, lo=token.start, hi=token.end), entries)
        end = token.end
        values = [boost * (frequencies[place] * 2.2 / (frequencies[place] + damping[entry]))
                  if place < end and postings[place] == entry else None
                  for entry, place in zip(entries, places, strict=True)]
        best = values if best is None else [
            b if v is None or (b is not None and b >= v) else v for b, v in zip(best, values, strict=True)]
    assert best is not None
    return best


def _totals(parts: list[list[float | None]]) -> list[float | None]:
    """Each entry's total over the words, in the words' order (None: some word does not occur in it)."""
    totals = parts[0]
    for more in parts[1:]:
        totals = [None if t is None or m is None else t + m for t, m in zip(totals, more, strict=True)]
    return totals


def _sum(parts: list[float]) -> float:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _scored(index: LocaleIndex, expansions: list[list[_Token]], matching: set[int],
            first: int) -> list[tuple[int, float]]:
    """Score the few entries every word occurs in."""
    entries = sorted(matching)
    totals = _totals([_scores(index, tokens, entries) for tokens in expansions])
    return sorted(zip(entries, totals, strict=True), key=lambda pair: (-pair[1], pair[0]))[:first]  # type: ignore[operator]


def _every(index: LocaleIndex, expansions: list[list[_Token]], first: int) -> list[tuple[int, float]]:
    """Score every entry of every word: the plain way, and the reference the fast way must match."""
    postings, norm = index.postings, index.norm
    scores: dict[int, float] | None = None
    for tokens in expansions:
        word_scores: dict[int, float] = {}
        for token in tokens:
            for place in range(token.start, token.end):
                entry = postings[place]
                word_scores[entry] = max(word_scores.get(entry, 0.0), token.boost * norm(place))
        if scores is None:
            scores = word_scores
        else:
            scores = {e: s + word_scores[e] for e, s in scores.items() if e in word_scores}
        if not scores:
            return []
    assert scores is not None
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:first]


class _Stream:
    """One query word's postings, read best score first, each entry once with its score for the word.

    A word that matches one vocabulary word (the usual case) walks that word's rank order a
    block at a time. One that matches a few reads a block from whichever has the best next
    posting and scores it for the others too (lookups in C). One that matches many merges their
    rank orders one posting at a time: scores never rise along the merge, so an entry's first
    appearance carries its best score.
    """

    __slots__ = ("heap", "index", "merged", "ranks", "seen", "tokens")

    def __init__(self, index: LocaleIndex, tokens: list[_Token]) -> None:
        self.index, self.tokens = index, tokens
        self.ranks = [token.start for token in tokens]  # each vocabulary word's next unread place in ``ranked``
        self.seen: set[int] = set()
        self.heap: list[tuple[float, int, int, int]] = []  # (-score, entry, which token, rank place)
        self.merged = len(tokens) > max(1, MERGED)
        if self.merged:
            self.heap = [self._item(k, token.start) for k, token in enumerate(tokens)]
            heapq.heapify(self.heap)

    def _item(self, k: int, rank: int) -> tuple[float, int, int, int]:
        token, index = self.tokens[k], self.index
        place = index.ranked[rank]
        return -(token.boost * index.norm(place)), index.postings[place], k, rank

    def _read(self, k: int, count: int) -> tuple[list[float], list[int]]:
        """The next ``count`` postings of vocabulary word ``k``: scores and entries."""
        index, token, rank = self.index, self.tokens[k], self.ranks[k]
        stop = self.ranks[k] = min(token.end, rank + count)
        places = index.ranked[rank:stop]
        postings, frequencies, damping, boost = index.postings, index.frequencies, index.damping, token.boost
        entries = [postings[place] for place in places]
        tfs = [frequencies[place] for place in places]
        return [boost * (tf * 2.2 / (tf + damping[entry])) for tf, entry in zip(tfs, entries, strict=True)], entries

    def take(self, count: int) -> tuple[list[float], list[int]]:
        """The next ``count`` or so entries (fewer at the end) and their scores for the word."""
        if len(self.tokens) == 1:
            return self._read(0, count)
        if not self.merged:
            heads = self.heads()
            if not heads:
                return [], []
            _, k = min((item[0], item[2]) for item in heads)
            scores, entries = self._read(k, count)
            fresh = [(score, entry) for score, entry in zip(scores, entries, strict=True) if entry not in self.seen]
            self.seen.update(entries)
            scores, entries = [score for score, _ in fresh], [entry for _, entry in fresh]
            for negative, _, j, _ in heads:
                # an entry not read from word j scores at most j's head there: look up only those it could raise
                lower = [i for i, score in enumerate(scores) if score < -negative] if j != k else []
                if lower:
                    found = _scores(self.index, [self.tokens[j]], [entries[i] for i in lower])
                    for i, value in zip(lower, found, strict=True):
                        if value is not None and value > scores[i]:
                            scores[i] = value
            return scores, entries
        heap, seen, scores, entries = self.heap, self.seen, [], []
        while heap and len(entries) < count:
            negative, entry, k, rank = heap[0]
            if rank + 1 < self.tokens[k].end:
                heapq.heapreplace(heap, self._item(k, rank + 1))
            else:
                heapq.heappop(heap)
            if entry not in seen:
                seen.add(entry)
                scores.append(-negative)
                entries.append(entry)
        return scores, entries

    @property
    def done(self) -> bool:
        """Whether every entry of the word has come."""
        if self.merged:
            return not self.heap
        return all(rank == token.end for rank, token in zip(self.ranks, self.tokens, strict=True))

    def heads(self) -> list[tuple[float, int, int, int]]:
        """(-score, entry, which token, rank place) of the next posting of each vocabulary word not read to its end."""
        if self.merged:
            return self.heap
        return [self._item(k, rank) for k, (rank, token) in enumerate(zip(self.ranks, self.tokens, strict=True))
                if rank < token.end]

    def head(self) -> float | None:
        """The best score still to come (None: the word has no entries left)."""
        heads = self.heads()
        return -min(heads)[0] if heads else None

    def bound_before(self, entry: int) -> float | None:
        """The best score still to come for an entry numbered below ``entry`` (None: no such entry).

        A vocabulary word's rank order puts equal weights in entry order, so when its next
        posting's entry is not below ``entry``, an unread entry below it has a lower weight.
        """
        index, best = self.index, None
        for negative, head_entry, k, rank in self.heads():
            score = -negative
            if head_entry >= entry:
                token = self.tokens[k]
                weight = index.norm(index.ranked[rank])
                rank = bisect.bisect_right(index.ranked, -weight, lo=rank, hi=token.end,
                                           key=lambda place: -index.norm(place))
                if rank == token.end:
                    continue
                score = token.boost * index.norm(index.ranked[rank])
            best = score if best is None or score > best else best
        return best


def _top(index: LocaleIndex, expansions: list[list[_Token]], first: int,
         matching: set[int] | None = None) -> list[tuple[int, float]]:
    """The ``first`` best (entry, score) pairs, read from the words' streams best first.

    Fagin's threshold algorithm: take the next entries of each word in turn, score them for the
    other words (a binary search per matched vocabulary word), and stop once no entry not yet
    read can beat the ``first``-th best. An unread entry scores at most each word's head, so at
    most the sum of the heads (float addition is monotonic). When that ties with the
    ``first``-th best, an unread entry could still come before it by being a lower entry:
    :meth:`_Stream.bound_before` bounds those. Entries are read in blocks that double in size,
    so that a query that needs thousands of them spends its time in C, not in Python's loop.
    """
    streams = [_Stream(index, tokens) for tokens in expansions]
    read: set[int] = set()
    best: list[tuple[float, int]] = []  # the best `first` so far, worst on top: (total, -entry)
    block = max(first, 8)
    while True:
        for w, stream in enumerate(streams):
            scores, entries = stream.take(block)
            fresh = [(s, e) for s, e in zip(scores, entries, strict=True)
                     if e not in read and (matching is None or e in matching)]
            read.update(entries)
            if fresh and len(best) == first and len(streams) > 1:
                fresh = _promising(fresh, w, streams, best[0][0], -best[0][1])
            if fresh:
                entries = [e for _, e in fresh]
                own: list[float | None] = [s for s, _ in fresh]
                totals = _totals([own if v == w else _scores(index, tokens, entries)
                                  for v, tokens in enumerate(expansions)])
                for entry, total in zip(entries, totals, strict=True):
                    if total is None:
                        continue
                    if len(best) < first:
                        heapq.heappush(best, (total, -entry))
                    elif (total, -entry) > best[0]:
                        heapq.heapreplace(best, (total, -entry))
            if stream.done:  # every entry with this word has been read: nothing else can match
                return _ranked(best)
        if len(best) == first and _settled(streams, best[0][0], -best[0][1]):
            return _ranked(best)
        block = min(2 * block, 512)


def _promising(fresh: list[tuple[float, int]], w: int, streams: list[_Stream], last_total: float,
               last_entry: int) -> list[tuple[float, int]]:
    """The entries just read from word ``w`` that could still rank before (last_total, last_entry).

    An entry not yet read from another word scores at most that word's head there, so at most
    its score for ``w`` plus the other words' heads; most of a long query's reads stop here,
    before any look-up.
    """
    heads = [stream.head() for stream in streams]
    if any(head is None for v, head in enumerate(heads) if v != w):
        return fresh
    if len(heads) == 2:  # the common case, in one pass
        other = heads[1 - w]
        return [(score, entry) for score, entry in fresh
                if (bound := (score + other if w == 0 else other + score)) > last_total  # type: ignore[operator]
                or (bound == last_total and entry < last_entry)]
    before = _sum(heads[:w]) if w else None  # type: ignore[arg-type]
    after = heads[w + 1:]
    out = []
    for score, entry in fresh:
        bound = score if before is None else before + score
        for head in after:
            bound = bound + head  # type: ignore[operator]
        if bound > last_total or (bound == last_total and entry < last_entry):
            out.append((score, entry))
    return out


def _ranked(best: list[tuple[float, int]]) -> list[tuple[int, float]]:
    return [(-negative, total) for total, negative in sorted(best, key=lambda item: (-item[0], -item[1]))]


def _settled(streams: list[_Stream], last_total: float, last_entry: int) -> bool:
    """Whether no unread entry can rank before (last_total, last_entry)."""
    heads = [stream.head() for stream in streams]
    if None in heads:
        return True
    threshold = _sum(heads)  # type: ignore[arg-type]
    if threshold != last_total:
        return threshold < last_total
    bounds = [stream.bound_before(last_entry) for stream in streams]
    return None in bounds or _sum(bounds) < last_total  # type: ignore[arg-type]


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
