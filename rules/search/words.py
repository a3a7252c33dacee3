"""The words of a search: folding, splitting, stop words, and each word's stem.

Every word, in the index and in a query, is folded (:func:`rules.text.fold`: case and accents
ignored) before anything else, so *metastasis* finds *metástasis*. Its stem comes from the
Snowball stemmers (PyPI's pure-Python ``snowballstemmer``: English's Porter2 and Spanish's), run
on the folded word, so a stem is the same whichever accents were typed: *cirugias* and
*cirugías* both stem to *cirugi*, as does *cirugia*. Languages without a stemmer match word forms
exactly.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

import snowballstemmer

from rules.text import fold

WORD = re.compile(r"\w+")
STOP = {
    "en": frozenset(
        "a an and are as at be by for from has have how i if in is it its of on or our that the their "
        "them they this to was we what when which who will with you your"
        .split()
    ),
    "es": frozenset(
        "a al con de del e el en es esta este la las le les lo los o para por que se su sus un una unas "
        "uno unos usted y ya"
        .split()
    ),
}
STEMMERS = {"en": "english", "es": "spanish"}
STEM_CACHE = 65_536  # stems kept: a library's vocabulary is ~100,000 words, a day's queries far fewer


def words_of(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return WORD.findall(fold(text))


def query_words(query: str, locale: str) -> list[str]:
    """The folded words of a query, without its stop words (unless it is only stop words), each once."""
    words = words_of(query)
    kept = [w for w in words if w not in STOP.get(locale, frozenset())]
    return list(dict.fromkeys(kept or words))


_local = threading.local()  # a Snowball stemmer keeps the word it works on: one per thread


def _stemmer(locale: str) -> Any:
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if locale not in stemmers:
        name = STEMMERS.get(locale.split("-")[0])
        stemmers[locale] = snowballstemmer.stemmer(name) if name else None
    return stemmers[locale]


@functools.lru_cache(maxsize=STEM_CACHE)
def stem(word: str, locale: str) -> str:
    """The stem of the folded ``word`` in ``locale`` (the word itself where no stemmer serves it)."""
    stemmer = _stemmer(locale)
    return stemmer.stemWord(word) if stemmer is not None else word
