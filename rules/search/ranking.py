"""Ranking: the best entries for a query without scoring every entry a common word occurs in.

Few shared entries are scored directly; otherwise each word's postings are read best first
(Fagin's threshold algorithm) until no unread entry can enter the top. The answers are exactly
those of :func:`score_every`, which scores everything (tests/api/test_search_ranking.py compares).
"""

from __future__ import annotations

import bisect
import heapq
from functools import partial
from itertools import chain

from rules.search.index import LocaleIndex, Token, bm25_weights

FEW = 50_000  # when some word has at most this many entries, find the entries all words share first
DIRECT = 2_000  # and when at most this many, score them all
MERGED = 4  # a query word that matches more vocabulary words than this reads them merged, one by one


def rank(index: LocaleIndex, expansions: list[list[Token]], first: int) -> list[tuple[int, float]]:
    """The ``first`` best (entry, score) pairs for the query words' ``expansions``, best first."""
    if first < 1:
        return score_every(index, expansions, first)
    sizes = [sum(token.end - token.start for token in tokens) for tokens in expansions]
    matching = None
    if len(expansions) > 1 and min(sizes) <= FEW:
        matching = shared_entries(index, expansions, sizes)
        if len(matching) <= DIRECT:
            return score_shared(index, expansions, matching, first)
    return threshold_top(index, expansions, first, matching)


def shared_entries(index: LocaleIndex, expansions: list[list[Token]], sizes: list[int]) -> set[int]:
    """The entries every word occurs in, by set operations (in C) starting from the rarest word."""
    postings = index.postings
    rarest = min(range(len(sizes)), key=sizes.__getitem__)
    matching: set[int] = set().union(*(postings[t.start:t.end] for t in expansions[rarest]))
    for w, tokens in enumerate(expansions):
        if w != rarest and matching:
            matching = matching.intersection(chain.from_iterable(postings[t.start:t.end] for t in tokens))
    return matching


def _scores(index: LocaleIndex, tokens: list[Token], entries: list[int]) -> list[float]:
    """The entries' scores for one query word (0.0: the word does not occur in it).

    A score where the word occurs is above 0 (a weight and an idf, both above 0), so 0.0 can mark
    "absent" and a word's best over its vocabulary words is ``max``, in C. The binary searches and
    the weights run in C too, through ``map``: most of a query's time is here.
    """
    postings, frequencies, damping = index.postings, index.frequencies, index.damping
    best: list[float] | None = None
    for token in tokens:
        if token.dense is not None:
            tfs = list(map(token.dense.__getitem__, entries))
        else:
            places = map(partial(bisect.bisect_left, postings, lo=token.start, hi=token.end), entries)
            end = token.end
            tfs = [frequencies[place] if place < end and postings[place] == entry else 0  # a posting's tf is >= 1
                   for entry, place in zip(entries, places, strict=True)]
        values = bm25_weights(tfs, entries, damping, token.boost)
        best = values if best is None else list(map(max, best, values))
    assert best is not None
    return best


def _totals(parts: list[list[float]]) -> list[float]:
    """Each entry's total over the words, in the words' order (0.0: some word does not occur in it)."""
    totals = parts[0]
    for more in parts[1:]:
        totals = [t + m if t and m else 0.0 for t, m in zip(totals, more, strict=True)]
    return totals


def _sum(parts: list[float]) -> float:
    """``parts`` added left to right, as an entry's total is added over the query's words.

    Not ``sum()``: that starts from 0 and, since Python 3.12, compensates rounding, so its result
    can differ in the last bit from the totals it is compared with; a bound must be added exactly
    as the totals are, or an entry tied with the last of the top could be wrongly ruled out.
    """
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def score_shared(index: LocaleIndex, expansions: list[list[Token]], matching: set[int],
            first: int) -> list[tuple[int, float]]:
    """Score the few entries every word occurs in."""
    entries = sorted(matching)
    totals = _totals([_scores(index, tokens, entries) for tokens in expansions])
    return sorted(zip(entries, totals, strict=True), key=lambda pair: (-pair[1], pair[0]))[:first]


def score_every(index: LocaleIndex, expansions: list[list[Token]], first: int) -> list[tuple[int, float]]:
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

    def __init__(self, index: LocaleIndex, tokens: list[Token], merged_above: int = MERGED) -> None:
        self.index, self.tokens = index, tokens
        self.ranks = [token.start for token in tokens]  # each vocabulary word's next unread place in ``ranked``
        self.seen: set[int] = set()
        self.heap: list[tuple[float, int, int, int]] = []  # (-score, entry, which token, rank place)
        self.merged = len(tokens) > max(1, merged_above)
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
        return bm25_weights(tfs, entries, damping, boost), entries

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
                        if value > scores[i]:
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


def threshold_top(index: LocaleIndex, expansions: list[list[Token]], first: int,
                  matching: set[int] | None = None, merged_above: int = MERGED) -> list[tuple[int, float]]:
    """The ``first`` best (entry, score) pairs, read from the words' streams best first.

    Fagin's threshold algorithm: take the next entries of each word in turn, score them for the
    other words (a binary search per matched vocabulary word), and stop once no entry not yet
    read can beat the ``first``-th best. An unread entry scores at most each word's head, so at
    most the sum of the heads (float addition is monotonic). When that ties with the
    ``first``-th best, an unread entry could still come before it by being a lower entry:
    :meth:`_Stream.bound_before` bounds those. Entries are read in blocks that double in size,
    so that a query that needs thousands of them spends its time in C, not in Python's loop.
    """
    streams = [_Stream(index, tokens, merged_above) for tokens in expansions]
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
                own = [s for s, _ in fresh]
                totals = _totals([own if v == w else _scores(index, tokens, entries)
                                  for v, tokens in enumerate(expansions)])
                for entry, total in zip(entries, totals, strict=True):
                    if not total:  # some word does not occur in it
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
