"""The kinds of block a section is made of, and where each keeps its words and its references.

A block holds running text (a paragraph, a callout), a list of texts (a list), or refers by id to
records that carry the words (treatments, care-team roles, decision factors). The validator, the
sync items, the phone's checks and screens, the reading-level measure and the embeds all walk
blocks through :data:`BLOCKS`, so a new kind of block is added here once.

Field names are the content's JSON names; :func:`attribute` gives the content model's attribute
for one (the model spells fields in snake case and reads them in camel case).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BlockShape:
    """Where one kind of block keeps what it shows."""

    text: str | None = None  # the field holding one text
    items: str | None = None  # the field holding a list of texts
    refers: str | None = None  # the field holding ids of records of kind ``kind``
    kind: str | None = None  # the item kind those ids name (see rules.items.KINDS)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in (self.text, self.items, self.refers) if f)


BLOCKS: Mapping[str, BlockShape] = {
    "paragraph": BlockShape(text="text"),
    "list": BlockShape(items="items"),
    "callout": BlockShape(text="text"),
    "treatments": BlockShape(refers="treatmentIds", kind="treatment"),
    "careTeam": BlockShape(refers="roleIds", kind="role"),
    "decisionFactors": BlockShape(refers="factorIds", kind="factor"),
}
BLOCK_TYPES = frozenset(BLOCKS)


@functools.cache  # a handful of field names
def attribute(field: str) -> str:
    """The content model's attribute for a JSON field name: ``treatmentIds`` → ``treatment_ids``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", field).lower()


def texts_of(block: Mapping[str, Any]) -> list[Any]:
    """The texts a block (as JSON) holds itself, in reading order: its text or its list's items."""
    shape = BLOCKS.get(block.get("type", ""))
    if shape is None:
        return []
    if shape.text:
        return [block[shape.text]] if shape.text in block else []
    if shape.items:
        return list(block.get(shape.items, []))
    return []


def references(block: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(kind, id)`` of each record a block (as JSON) refers to, in order."""
    shape = BLOCKS.get(block.get("type", ""))
    if shape is not None and shape.refers:
        for record_id in block.get(shape.refers, []):
            yield shape.kind or "", record_id
