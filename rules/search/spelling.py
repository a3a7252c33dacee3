"""Typos: which vocabulary words a word not in the vocabulary was meant to be.

The measure is the optimal string alignment distance (Damerau–Levenshtein where a transposition
of two neighbouring letters counts as one edit: *efetcos* is one edit from *efectos*). The
allowance grows with the word, as Meilisearch's defaults do: none below 5 letters, one edit from 5,
two from 9 (a short word is too near too many others: *tumor* is two edits from *humor*). The
first letter must be right: patients rarely miss it, and it keeps the words compared to those
sharing one letter, a slice of the sorted vocabulary. A word is corrected to the nearest words
found, at most :data:`MAX_CORRECTIONS`, never to farther ones when nearer exist.

RapidFuzz (C++) computes the same distance when it is installed, as on the server, where a
library's 100,000 words are too many for Python's loop; the phone, with its few thousand, runs
the plain loop. tests/rules/test_spelling.py compares the two.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

try:
    from rapidfuzz import process as rapidfuzz
    from rapidfuzz.distance import OSA
except ImportError:  # pragma: no cover - the phone
    rapidfuzz = None

MAX_CORRECTIONS = 8


def allowance(word: str) -> int:
    """How many edits a word of this length may have: 0 below 5 letters, 1 from 5, 2 from 9; 0 for numbers."""
    if any(ch.isdigit() for ch in word):
        return 0
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def distance(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b``, or ``limit + 1`` once it is above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def first_letter_range(vocabulary: Sequence[str], word: str) -> tuple[int, int]:
    """Where the words sharing ``word``'s first letter are in the sorted ``vocabulary``."""
    first = word[:1]
    start = bisect.bisect_left(vocabulary, first)
    end = bisect.bisect_left(vocabulary, first + "\U0010ffff", lo=start)
    return start, end


def corrections(vocabulary: Sequence[str], word: str, fast: bool = True) -> tuple[int, list[int]]:
    """The nearest words of the sorted ``vocabulary`` to ``word`` within its allowance:
    ``(edits, their places)`` in vocabulary order, ``(0, [])`` when there are none.

    ``fast=False`` runs the plain loop even where RapidFuzz is installed (the tests compare).
    """
    limit = allowance(word)
    if not limit:
        return 0, []
    start, end = first_letter_range(vocabulary, word)
    if fast and rapidfuzz is not None:
        found = rapidfuzz.extract(word, vocabulary[start:end], scorer=OSA.distance, score_cutoff=limit, limit=None)
        scored = [(int(edits), start + place) for _, edits, place in found]
    else:
        scored = []
        for place in range(start, end):
            candidate = vocabulary[place]
            if abs(len(candidate) - len(word)) <= limit:
                edits = distance(word, candidate, limit)
                if edits <= limit:
                    scored.append((edits, place))
    scored = [(edits, place) for edits, place in scored if edits > 0]
    if not scored:
        return 0, []
    nearest = min(edits for edits, _ in scored)
    return nearest, sorted(place for edits, place in scored if edits == nearest)[:MAX_CORRECTIONS]
