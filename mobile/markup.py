"""Kivy label markup for content text: escaping, and the first use of each glossary word as a link.

A block lists the glossary terms it uses; the first time each one appears in that block (found by
:mod:`rules.glossary`, as the embeds find it) it becomes ``[ref=term-id]…[/ref]``, which the app
turns into a tap that shows the plain definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.glossary import first_uses


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    also_matches: tuple[str, ...] = ()

    @property
    def phrases(self) -> list[str]:
        return [p for p in dict.fromkeys([self.term, *self.also_matches]) if p.strip()]

    @classmethod
    def from_reply(cls, raw: Mapping[str, object]) -> Term:
        return cls(str(raw["id"]), str(raw["term"]), str(raw["definition"]),
                   tuple(str(x) for x in raw.get("alsoMatches") or ()))


def find_first_uses(texts: Sequence[str], terms: Iterable[Term]) -> list[list[tuple[int, int, str]]]:
    """For each text (one block, read in order), ``(start, end, term id)`` of each term's first use
    (the rule is :mod:`rules.glossary`'s, the same the embeds follow)."""
    forms = {term.id: term.phrases for term in terms}
    return [[(u.start, u.end, u.term_id) for u in uses] for uses in first_uses(texts, forms)]


# Kivy may break a line wherever markup starts or ends, so punctuation touching a linked word goes
# inside the link: otherwise "metastasis." can wrap as "metastasis" / ". The place...".
LEADING = "([{¿¡«“\"'"
TRAILING = ".,;:!?)]}»”\"'"


def _glue(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1] in LEADING:
        start -= 1
    while end < len(text) and text[end] in TRAILING:
        end += 1
    return start, end


def link_terms(texts: Sequence[str], terms: Iterable[Term], link_colour: str) -> list[str]:
    """Each text escaped for markup, with the first use of each term marked as an underlined ref."""
    out = []
    for text, spans in zip(texts, find_first_uses(texts, list(terms)), strict=True):
        parts, cursor = [], 0
        for found_start, found_end, term_id in spans:
            start, end = _glue(text, max(found_start, cursor), found_end)
            start = max(start, cursor)
            parts.append(escape(text[cursor:start]))
            parts.append(f"[ref={term_id}][color={link_colour}][u]{escape(text[start:end])}[/u][/color][/ref]")
            cursor = end
        parts.append(escape(text[cursor:]))
        out.append("".join(parts))
    return out


def bold(text: str) -> str:
    return f"[b]{escape(text)}[/b]"
