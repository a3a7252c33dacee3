"""Folding text for search and sorting: case and accents ignored, one character for one character.

The server's index, its snippets, the phone's search and the phone's alphabetical order all fold
with :func:`fold`, so a word found on one is found on the other, and an offset found in folded
text is an offset in the original (snippets are cut from the original).

Each character folds on its own: its compatibility decomposition (NFKD) when that is one base
character followed only by combining marks ("á" → "a", "²" → "2", "µ" → "μ"), then its case fold
when that is one character ("Σ" → "σ"; "ß" folds to "ss", two, so it lowers to itself). A
character whose decomposition is more than marks (a ligature, a Hangul syllable) keeps its own
lowercase: folding "ﬁ" to "f" or "한" to "ᄒ" would make different words equal.
"""

from __future__ import annotations

import unicodedata


def fold_char(char: str) -> str:
    """The one character ``char`` folds to (see the module's rule)."""
    decomposed = unicodedata.normalize("NFKD", char)
    only_marks = decomposed and all(unicodedata.combining(mark) for mark in decomposed[1:])
    base = decomposed[0] if only_marks else char
    for candidate in (base.casefold(), base.lower()):
        if len(candidate) == 1:
            return candidate
    return base


class _FoldTable(dict[int, str]):
    """Code point → folded character, filled the first time each code point is met (at most the
    1.1 million code points Unicode has; in practice the few hundred a library uses)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_TABLE = _FoldTable()
# Latin-1 text (all of English, almost all of Spanish) as bytes: bytes.translate is one C table
# lookup per byte, several times faster than str.translate's dictionary lookup per character. It
# serves text without the one Latin-1 character that folds outside Latin-1: "µ", to Greek "μ".
_OUTSIDE_LATIN1 = "".join(chr(code) for code in range(256) if ord(_TABLE[code]) > 255)
assert _OUTSIDE_LATIN1 == "\u00b5", _OUTSIDE_LATIN1  # Unicode's data changed: fold() must test them all
_LATIN1 = bytes(ord(_TABLE[code]) if ord(_TABLE[code]) < 256 else code for code in range(256))


def fold(text: str) -> str:
    """``text`` lowercased and without accents, with every character at its place."""
    if _OUTSIDE_LATIN1 not in text:
        try:
            return text.encode("latin-1").translate(_LATIN1).decode("latin-1")
        except UnicodeEncodeError:
            pass
    return text.translate(_TABLE)
