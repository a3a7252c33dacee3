"""Where a glossary term is first used in running text, so a reader gets each word explained once.

A block lists the terms it uses; the words themselves are found by matching each term and its
other forms (``alsoMatches``) in any letter case, at word boundaries, with any run of white space
between the words of a form ("liver  metastases" across a line break still counts). Reading order
decides: the leftmost use is marked, and where two terms start at the same place the longer one
wins ("liver metastases" over "metastases"), because it is the more precise explanation. A use
that overlaps a marked one is not marked. Each term is marked once per reading unit, a unit being
one or more texts read in a row (a list's items, a card's parts): explaining "tumor" in every
sentence would bury the text the reader came for.

The embeds (HTML) and the phone (Kivy markup) both mark what :func:`first_uses` finds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

PATTERN_CACHE = 4096  # compiled forms of terms kept (a library's glossary is a few thousand terms)


@dataclass(frozen=True)
class Use:
    """One marked use of a glossary term: ``text[start:end]`` is the term as written."""

    term_id: str
    start: int
    end: int


@functools.lru_cache(maxsize=PATTERN_CACHE)
def _pattern(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = sorted({" ".join(f.split()) for f in forms if f and f.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = (r"\s+".join(re.escape(word) for word in form.split(" ")) for form in cleaned)
    # \w is Unicode-aware, so "metástasis" is one word and "MR" does not match inside "MRI".
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _uses_in(text: str, forms: Mapping[str, Sequence[str]], used: set[str]) -> list[Use]:
    candidates: list[Use] = []
    for term_id, term_forms in forms.items():
        if term_id in used:
            continue
        pattern = _pattern(tuple(term_forms))
        if pattern is not None:
            candidates.extend(Use(term_id, m.start(), m.end()) for m in pattern.finditer(text))
    candidates.sort(key=lambda u: (u.start, u.start - u.end))  # leftmost, then longest
    chosen: list[Use] = []
    for use in candidates:
        if use.term_id in used or (chosen and use.start < chosen[-1].end):
            continue
        chosen.append(use)
        used.add(use.term_id)
    return chosen


def first_uses(texts: Sequence[str], forms: Mapping[str, Sequence[str]],
               used: set[str] | None = None) -> list[list[Use]]:
    """For each of ``texts`` (one reading unit, in order), the uses to mark in it, in order.

    ``forms`` maps each term id to its written forms. Terms in ``used`` are not marked, and the
    terms marked are added to it, so a caller can carry one set across several calls.
    """
    used = set() if used is None else used
    return [_uses_in(text, forms, used) for text in texts]


def split(text: str, uses: Iterable[Use]) -> list[str | Use]:
    """``text`` cut into plain strings and the uses between them, in reading order."""
    parts: list[str | Use] = []
    position = 0
    for use in uses:
        if use.start > position:
            parts.append(text[position:use.start])
        parts.append(use)
        position = use.end
    if position < len(text):
        parts.append(text[position:])
    return parts
