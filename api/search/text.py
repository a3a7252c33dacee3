"""A hit and its snippet; the words of search themselves are :mod:`rules.search.words`'s.

Both the index and the query go through :func:`rules.text.fold`, as the phone's search does, so
*metastasis* finds *metástasis*; a hit's snippet is cut from the original text, so offsets found in
the folded text still match.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from rules.search.words import WORD, query_words
from rules.text import fold

__all__ = ["SNIPPET_CHARS", "WORD", "Hit", "fold", "make_snippet", "query_words"]

SNIPPET_CHARS = 160


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


@functools.lru_cache(maxsize=256)
def _starting_with(words: tuple[str, ...]) -> re.Pattern[str]:
    """The whole words (runs of ``\\w``) that begin with one of ``words``: a run is found where it
    starts, and taken to its end, whichever of the words it begins with."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\w*")


def make_snippet(text: str, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first match, and the (start, length) of each matched word."""
    spans = [m.span() for m in _starting_with(tuple(words)).finditer(fold(text))] if words else []
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
