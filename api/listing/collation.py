"""Sorting and alphabet letters as a reader of each language expects them, from ICU.

Spanish puts *ñ* after *n* (*nube* < *ñandú*) and ignores accents until everything else is
equal (*árbol* sorts with *a*); English sorts *ñ* as *n*. Getting this right for every language
is what ICU's collation and its alphabetic index are for, so they come from ICU (the
``pyicu-wheels`` build of PyICU) rather than a table of ours.

ICU collators are not safe to share between threads while in use, so each is used under a lock;
sorting happens once per content version and ordering, never per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import lru_cache

import icu

NORMAL_LABEL = 0  # ICU's label type of a letter bucket (the others: underflow, inflow, overflow)
OTHER = "#"  # the letter shown for words that start with no letter of the alphabet (digits, symbols)


class _Collation:
    def __init__(self, locale: str) -> None:
        self.collator = icu.Collator.createInstance(icu.Locale(locale))
        self.index = icu.AlphabeticIndex(icu.Locale(locale)).buildImmutableIndex()
        self.lock = threading.Lock()


@lru_cache(maxsize=32)  # one per language served
def _of(locale: str) -> _Collation:
    return _Collation(locale)


def sort_keys(locale: str, texts: Iterable[str]) -> list[bytes]:
    """The ICU sort key of each text in ``locale``: compare the keys to compare the texts."""
    collation = _of(locale)
    with collation.lock:
        return [collation.collator.getSortKey(text) for text in texts]


def sorted_by_text(locale: str, items: list[str], text_of: Callable[[str], str]) -> list[str]:
    """``items`` in the order of their texts in ``locale``; equal texts keep their given order."""
    keys = sort_keys(locale, (text_of(item) for item in items))
    order = sorted(range(len(items)), key=keys.__getitem__)
    return [items[i] for i in order]


def alphabet(locale: str) -> list[str]:
    """The letters of ``locale``'s alphabet in order, as an A–Z index shows them (Spanish has Ñ)."""
    collation = _of(locale)
    buckets = [collation.index.getBucket(i) for i in range(collation.index.bucketCount)]
    return [label for label, kind in buckets if kind == NORMAL_LABEL]


def letter(locale: str, text: str) -> str:
    """The index letter ``text`` is filed under in ``locale`` ('Árbol' → 'A'; in Spanish 'ñu' → 'Ñ'),
    or :data:`OTHER` when it starts with no letter of that alphabet."""
    collation = _of(locale)
    with collation.lock:
        label, kind = collation.index.getBucket(collation.index.getBucketIndex(text))
    return label if kind == NORMAL_LABEL else OTHER
