"""Where each reader-facing text lives: one path syntax for translations, sign-offs and tools.

A path names records by their id, never by their place, so it stays true when records are added
before them: ``treatments[cryoablation].howItWorks``,
``documents[liver-metastases-treatment].sections[overview].blocks[overview-intro].text``,
``institution.facts[weekly-tumor-boards].text``, ``strings[app.title].text``. A list item
without an id (a list block's items) is named by its place: ``…blocks[overview-options].items[2]``.
These are the paths :mod:`api.content.changes` prints (with the record's kind and id in front).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from api.content.model import Content, LocalizedText, Traced

# The top-level lists whose records a path names, and the field that names them.
RECORDS = {"documents": "slug", "treatments": "id", "glossary": "id", "careTeamRoles": "id",
           "decisionFactors": "id", "treatmentCategories": "id", "strings": "key", "sources": "id"}
_STEP = re.compile(r"([A-Za-z]+)(?:\[([^\]]*)\])?(?:\.|$)")


@dataclass(frozen=True, slots=True)
class TextAt:
    """One text, its path, and the traced record that holds it (None for UI strings, names of
    categories and sources, which restate nothing)."""

    path: str
    text: LocalizedText
    owner: Traced | None
    owner_path: str


def _aliases(model: BaseModel) -> list[tuple[str, str]]:
    return [(name, info.alias or name) for name, info in type(model).model_fields.items()]


def _name_of(item: Any) -> str | None:
    for key in ("id", "slug", "key"):
        value = getattr(item, key, None)
        if isinstance(value, str):
            return value
    return None


def _walk(model: BaseModel, path: str, owner: Traced | None, owner_path: str) -> Iterator[TextAt]:
    if isinstance(model, Traced):
        owner, owner_path = model, path
    for name, alias in _aliases(model):
        value = getattr(model, name)
        here = f"{path}.{alias}" if path else alias
        if isinstance(value, LocalizedText):
            yield TextAt(here, value, owner, owner_path)
        elif isinstance(value, BaseModel):
            yield from _walk(value, here, owner, owner_path)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, LocalizedText):
                    yield TextAt(f"{here}[{i}]", item, owner, owner_path)
                elif isinstance(item, BaseModel):
                    yield from _walk(item, f"{here}[{_name_of(item) or i}]", owner, owner_path)


def texts(content: Content) -> Iterator[TextAt]:
    """Every :class:`LocalizedText` of the content with its path, in file order (the other
    spellings of glossary terms are search aids, not prose, and are left out)."""
    for name, alias in _aliases(content):
        value = getattr(content, name)
        if alias in RECORDS:
            for item in value:
                yield from _walk(item, f"{alias}[{_name_of(item)}]", None, "")
        elif alias == "institution":
            yield from _walk(value, alias, None, "")


def record_texts(record: BaseModel, path: str) -> Iterator[TextAt]:
    """The texts of one record (a document, a treatment…) whose own path is ``path``."""
    yield from _walk(record, path, None, "")


def find(content: Content, path: str) -> LocalizedText | None:
    """The text at ``path``, or None when the path leads nowhere (a record renamed or removed)."""
    return Finder(content).find(path)


class Finder:
    """Finds texts by path, indexing each list by id the first time it is searched, so that
    finding every text of a 10,000-document library costs one pass, not one scan per text."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._named: dict[int, dict[str, Any]] = {}

    def find(self, path: str) -> LocalizedText | None:
        node: Any = self.content
        at = 0
        for step in _STEP.finditer(path):
            if step.start() != at or not isinstance(node, BaseModel):
                return None
            at = step.end()
            name, key = step.group(1), step.group(2)
            field = next((n for n, a in _aliases(node) if a == name), None)
            if field is None:
                return None
            node = getattr(node, field)
            if key is not None:
                if not isinstance(node, list):
                    return None
                node = self._item(node, key)
                if node is None:
                    return None
        return node if at == len(path) and isinstance(node, LocalizedText) else None

    def _item(self, items: list[Any], key: str) -> Any:
        named = self._named.get(id(items))
        if named is None:
            named = self._named[id(items)] = {}
            for item in items:
                name = _name_of(item) if isinstance(item, BaseModel) else None
                if name is not None:
                    named.setdefault(name, item)
        found = named.get(key)
        if found is None and key.isdigit() and int(key) < len(items) and not isinstance(items[int(key)], BaseModel):
            return items[int(key)]
        return found
