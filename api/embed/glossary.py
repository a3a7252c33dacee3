"""Finding glossary terms in running text, so a page can explain each one where it is first used.

A block lists the terms it uses (``termIds``); the words themselves are found here by matching
the term and its other forms (``alsoMatches``) case-insensitively at word boundaries. Where two
terms overlap ("liver metastases" and "metastases") the longer one wins, because it is the more
precise explanation of those words. Each term is marked once per reading unit: explaining
"tumor" in every sentence would bury the text the reader came for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    """One marked use of a glossary term: ``text[start:end]`` is the term as written."""

    term_id: str
    start: int
    end: int


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({f.strip() for f in forms if f and f.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    # \w is Unicode-aware, so "metástasis" is one word and "MR" does not match inside "MRI".
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in cleaned) + r")(?!\w)", re.IGNORECASE)


def find_uses(text: str, forms: Mapping[str, Sequence[str]], used: set[str]) -> list[Use]:
    """The first use in ``text`` of each term in ``forms`` (term id → its written forms).

    Terms already in ``used`` are skipped, and the terms found are added to it, so one ``used``
    set carried across the items of a list marks each term once in the whole list.
    """
    candidates: list[Use] = []
    for term_id, term_forms in forms.items():
        if term_id in used:
            continue
        pattern = _pattern(term_forms)
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


def split(text: str, uses: Sequence[Use]) -> list[str | Use]:
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
